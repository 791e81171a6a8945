import type { LogicalCallProbe } from '@nestrpc/transport';
import { CallSeries, Series } from './call-series';
import { StatusLabels } from './status-label';

/** A gauge value read when scraped (in flight per service, or per service and instance). */
export interface Flight {
  readonly labels: Readonly<Record<string, string>>;
  value: number;
}

/**
 * What every call of one pattern (and instance, with instanceLabels) shares: its OK series and
 * its in-flight count, looked up once per pattern rather than per call.
 */
export class PatternStats {
  readonly ok: Series;

  constructor(
    readonly pattern: string,
    readonly calls: CallSeries,
    readonly statuses: StatusLabels,
    readonly flight: Flight | undefined,
  ) {
    this.ok = calls.seriesOf(pattern, 'OK');
  }

  record(error: unknown, seconds: number): void {
    this.calls.observe(error === undefined ? this.ok : this.calls.seriesOf(this.pattern, this.statuses.of(error)), seconds);
  }
}

/**
 * Follows one call for metrics: one object per call (no closures), no `run` (metrics set no
 * context, so the transport runs the handler directly). `end` is called at most once.
 */
export class TimedCall implements LogicalCallProbe {
  private readonly started = performance.now();

  constructor(
    private readonly stats: PatternStats,
    private readonly onRetry?: () => void,
  ) {
    if (stats.flight !== undefined) stats.flight.value++;
  }

  end(error?: unknown): void {
    if (this.stats.flight !== undefined) this.stats.flight.value--;
    this.stats.record(error, (performance.now() - this.started) / 1e3);
  }

  retried(): void {
    this.onRetry?.();
  }
}
