import { performance } from 'perf_hooks';
import { ProcessStats } from './cells';
import { round2 } from './latency';

const SAMPLE_INTERVAL_MS = 100;
const MIB = 1024 * 1024;

/** This process' peak RSS and CPU share between two `take()` calls. */
export class ProcessSampler {
  private cpu = process.cpuUsage();
  private since = performance.now();
  private peakRss = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stats since the previous call (or construction), then starts a new interval. */
  take(): ProcessStats {
    this.sample();
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpu);
    const elapsedMs = Math.max(1, now - this.since);
    const stats = { rssMiB: round2(this.peakRss / MIB), cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100) };
    this.cpu = process.cpuUsage();
    this.since = now;
    this.peakRss = process.memoryUsage.rss();
    return stats;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }
}
