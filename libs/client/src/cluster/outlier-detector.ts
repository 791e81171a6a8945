import { Backoff } from '@nestrpc/common';
import {
  DEFAULT_EJECTION_BASE_MS,
  DEFAULT_EJECTION_JITTER,
  DEFAULT_EJECTION_MAX_MS,
  DEFAULT_OUTLIER_CONSECUTIVE_FAILURES,
  DEFAULT_OUTLIER_FAILURE_RATE,
  DEFAULT_OUTLIER_MIN_CALLS,
  DEFAULT_OUTLIER_WINDOW_MS,
  EJECTION_MEMORY_BASES,
} from '../constants';

/** Outlier detection settings (Envoy's outlier_detection, reduced to what a client needs). */
export interface OutlierOptions {
  /** Eject after this many health failures in a row. Default 5. */
  consecutiveFailures?: number;
  /** ...or when this fraction of the calls in the window failed... Default 0.5. */
  failureRate?: number;
  /** ...out of at least this many calls. Default 10. */
  minimumCalls?: number;
  /** Length of the failure-rate window. Default 5 000 ms. */
  windowMs?: number;
  /** First ejection; grows ×2 per ejection in a row, ±20 % jitter, up to maxMs. Default 1 000. */
  baseMs?: number;
  maxMs?: number;
}

/**
 * One instance's health record: counts health failures (never a handler's domain error) and
 * decides when it is an outlier, and how long its next ejection lasts. Pure bookkeeping, no
 * timers; the instance pool owns those.
 */
export class OutlierDetector {
  private consecutive = 0;
  private calls = 0;
  private failures = 0;
  private windowStart: number;
  /** Ejection lengths: one step per ejection in a row without a healthy period between them. */
  private readonly ejection: Backoff;
  private admittedAt = -Infinity;

  constructor(
    private readonly options: OutlierOptions = {},
    private readonly now: () => number = Date.now,
    rng: () => number = Math.random,
  ) {
    this.windowStart = now();
    this.ejection = new Backoff({ initialDelayMs: options.baseMs ?? DEFAULT_EJECTION_BASE_MS, maxDelayMs: options.maxMs ?? DEFAULT_EJECTION_MAX_MS, jitter: DEFAULT_EJECTION_JITTER }, rng);
  }

  /** Records a call outcome; true when the instance just became an outlier. */
  record(healthFailure: boolean): boolean {
    const now = this.now();
    const windowMs = this.options.windowMs ?? DEFAULT_OUTLIER_WINDOW_MS;
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.calls = 0;
      this.failures = 0;
    }
    this.calls++;
    if (!healthFailure) {
      this.consecutive = 0;
      // A long healthy stretch forgets past ejections, so the next one starts short again.
      if (now - this.admittedAt > EJECTION_MEMORY_BASES * (this.options.baseMs ?? DEFAULT_EJECTION_BASE_MS)) this.ejection.reset();
      return false;
    }
    this.failures++;
    this.consecutive++;
    const minimum = this.options.minimumCalls ?? DEFAULT_OUTLIER_MIN_CALLS;
    return (
      this.consecutive >= (this.options.consecutiveFailures ?? DEFAULT_OUTLIER_CONSECUTIVE_FAILURES) ||
      (this.calls >= minimum && this.failures / this.calls >= (this.options.failureRate ?? DEFAULT_OUTLIER_FAILURE_RATE))
    );
  }

  /** Starts an ejection; returns its length: base × 2^(n-1), jittered ±20 %, never above max. */
  eject(): number {
    this.consecutive = 0;
    this.calls = 0;
    this.failures = 0;
    return this.ejection.nextDelay();
  }

  /** The instance takes traffic again (a probe answered). */
  admit(): void {
    this.admittedAt = this.now();
    this.windowStart = this.admittedAt;
  }

  get ejectionCount(): number {
    return this.ejection.attempts;
  }
}
