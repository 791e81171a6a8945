/** Latencies kept per cell; beyond this, reservoir sampling keeps a uniform sample. */
export const LATENCY_CAPACITY = 1 << 18;

export interface Percentiles {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** Per-call latencies (ms) in a preallocated Float64Array; sorted once, at the end. */
export class LatencyRecorder {
  private readonly samples = new Float64Array(LATENCY_CAPACITY);
  private seen = 0;

  reset(): void {
    this.seen = 0;
  }

  add(ms: number): void {
    const seen = this.seen++;
    if (seen < LATENCY_CAPACITY) {
      this.samples[seen] = ms;
      return;
    }
    const slot = Math.floor(Math.random() * (seen + 1));
    if (slot < LATENCY_CAPACITY) this.samples[slot] = ms;
  }

  percentiles(): Percentiles {
    const count = Math.min(this.seen, LATENCY_CAPACITY);
    if (count === 0) return { p50Ms: 0, p99Ms: 0, p999Ms: 0 };
    const sorted = this.samples.subarray(0, count).sort();
    const at = (q: number): number => round2(sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))]);
    return { p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999) };
  }
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
