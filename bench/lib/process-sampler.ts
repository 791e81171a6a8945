import { readFileSync, writeFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { ProcessStats } from './cells';
import { round2 } from './latency';

const SAMPLE_INTERVAL_MS = 100;
const MIB = 1024 * 1024;
const STATUS = '/proc/self/status';
const CLEAR_REFS = '/proc/self/clear_refs';
/** Written to clear_refs, resets the kernel's peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0). */
const RESET_PEAK_RSS = '5';

/** What `take()` returns: the stats a result records, plus the CPU time they were computed from. */
export interface SampledStats extends ProcessStats {
  /** CPU time (user + system) since the previous `take()`, ms. */
  cpuMs: number;
}

/**
 * This process' peak RSS and CPU share between two `take()` calls.
 *
 * On Linux the peak is the kernel's own (VmHWM, reset through /proc/self/clear_refs at every
 * take): exact, and no timer. Many idle benchmark processes stay alive while the systems of a
 * sliced cell take turns (lib/sliced-run.ts); a sampling timer in each would wake the cores
 * the measured pair runs on ten times a second per process. Elsewhere RSS is sampled every
 * 100 ms by an unref()'d timer.
 */
export class ProcessSampler {
  private cpu = process.cpuUsage();
  private since = performance.now();
  private readonly kernelPeak = resetKernelPeak();
  private peakRss = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor() {
    if (this.kernelPeak) return;
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stats since the previous call (or construction), then starts a new interval. */
  take(): SampledStats {
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpu);
    const elapsedMs = Math.max(1, now - this.since);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const peak = this.kernelPeak ? kernelPeakRss() ?? process.memoryUsage.rss() : Math.max(this.peakRss, process.memoryUsage.rss());
    const stats = { rssMiB: round2(peak / MIB), cpuPct: Math.round((cpuMs / elapsedMs) * 100), cpuMs: round2(cpuMs) };
    this.cpu = process.cpuUsage();
    this.since = now;
    if (this.kernelPeak) resetKernelPeak();
    this.peakRss = process.memoryUsage.rss();
    return stats;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }
}

/** Resets VmHWM to the current RSS; false where the kernel offers no such reset. */
function resetKernelPeak(): boolean {
  try {
    writeFileSync(CLEAR_REFS, RESET_PEAK_RSS);
    return kernelPeakRss() !== undefined;
  } catch {
    return false;
  }
}

/** VmHWM in bytes (the kernel reports kB). */
function kernelPeakRss(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(STATUS, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}
