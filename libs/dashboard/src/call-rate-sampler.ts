/**
 * Turns monotonically growing per-instance call counters into rates: samples every interval and
 * keeps the last two samples. Pure bookkeeping; the owner drives `sample()` from a timer.
 */
export class CallRateSampler {
  private previous = new Map<string, number>();
  private current = new Map<string, number>();
  private previousAt = 0;
  private currentAt = 0;

  sample(counts: ReadonlyMap<string, number>, now: number): void {
    this.previous = this.current;
    this.previousAt = this.currentAt;
    this.current = new Map(counts);
    this.currentAt = now;
  }

  /** Calls per second of `key` between the last two samples (0 until two samples exist). */
  rate(key: string): number {
    const dt = (this.currentAt - this.previousAt) / 1000;
    const before = this.previous.get(key);
    const after = this.current.get(key);
    if (this.previousAt === 0 || dt <= 0 || before === undefined || after === undefined) return 0;
    return Math.max(0, after - before) / dt;
  }
}
