import { IDLE_LOAD, InstanceLoad, InstanceLoadSource } from './pick-context';

/** Time constant of the latency EWMA: a sample's influence halves roughly every 7 s. */
export const DEFAULT_EWMA_DECAY_MS = 10_000;
/** Least share of the average a new sample gets, so bursts of samples still move it. */
export const MIN_EWMA_SAMPLE_WEIGHT = 0.05;

interface Entry {
  active: number;
  ewmaLatencyMs: number;
  lastSampleAt: number;
  /** Calls ended since the instance was first seen (dashboards derive call rates from it). */
  completed: number;
}

/**
 * Per-instance call statistics for 'least-active' and 'p2c': calls in flight and a time-decayed
 * EWMA of latency (Finagle's peak-EWMA without the peak). The caller feeds it:
 * `const end = stats.begin(id); ...; end(latencyMs)`.
 */
export class InstanceStats implements InstanceLoadSource {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly decayMs: number = DEFAULT_EWMA_DECAY_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(instanceId: string): InstanceLoad {
    const entry = this.entries.get(instanceId);
    return entry === undefined ? IDLE_LOAD : { active: entry.active, ewmaLatencyMs: entry.ewmaLatencyMs };
  }

  /** Marks a call started; the returned function ends it (once) and records its latency if given. */
  begin(instanceId: string): (latencyMs?: number) => void {
    const entry = this.entry(instanceId);
    entry.active++;
    let ended = false;
    return (latencyMs) => {
      if (ended) return;
      ended = true;
      entry.active = Math.max(0, entry.active - 1);
      entry.completed++;
      if (latencyMs !== undefined) this.record(instanceId, latencyMs);
    };
  }

  /** Adds one latency sample. The first sample sets the average. */
  record(instanceId: string, latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    const entry = this.entry(instanceId);
    const now = this.now();
    if (entry.lastSampleAt < 0) {
      entry.ewmaLatencyMs = latencyMs;
    } else {
      const weight = Math.max(MIN_EWMA_SAMPLE_WEIGHT, 1 - Math.exp(-Math.max(0, now - entry.lastSampleAt) / this.decayMs));
      entry.ewmaLatencyMs = entry.ewmaLatencyMs * (1 - weight) + latencyMs * weight;
    }
    entry.lastSampleAt = now;
  }

  /** Calls ended on `instanceId` so far (0 when unknown). Read-only; for dashboards. */
  completed(instanceId: string): number {
    return this.entries.get(instanceId)?.completed ?? 0;
  }

  /** Drops an instance that left the registry. */
  forget(instanceId: string): void {
    this.entries.delete(instanceId);
  }

  private entry(instanceId: string): Entry {
    let entry = this.entries.get(instanceId);
    if (entry === undefined) {
      entry = { active: 0, ewmaLatencyMs: 0, lastSampleAt: -1, completed: 0 };
      this.entries.set(instanceId, entry);
    }
    return entry;
  }
}
