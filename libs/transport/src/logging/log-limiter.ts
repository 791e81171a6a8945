import { LoggerService } from '@nestjs/common';
import { LOG_MAX_REASONS, LOG_REPEAT_WINDOW_MS } from './constants';

type Level = 'warn' | 'error';

interface Bucket {
  level: Level;
  suppressed: number;
  timer: NodeJS.Timeout;
}

/**
 * Rate-limits log lines a peer can trigger at will (bad frames, bad events), per reason: the
 * first of each reason is logged, the rest of its window are counted and summed up in one line
 * ("… and N more like it in the last 10 s"). Reasons are stable codes (error codes, frame
 * types), never peer-chosen text, so the map stays small.
 */
export class LogLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly logger: LoggerService,
    private readonly windowMs = LOG_REPEAT_WINDOW_MS,
  ) {}

  warn(reason: string, message: string): void {
    this.log('warn', reason, message);
  }

  error(reason: string, message: string): void {
    this.log('error', reason, message);
  }

  /** Logs every pending summary now and stops the timers (on server close). */
  flush(): void {
    for (const [reason, bucket] of this.buckets) {
      clearTimeout(bucket.timer);
      this.summarize(reason, bucket);
    }
    this.buckets.clear();
  }

  private log(level: Level, reason: string, message: string): void {
    const key = this.buckets.has(reason) || this.buckets.size < LOG_MAX_REASONS ? reason : 'other';
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) {
      bucket.suppressed++;
      return;
    }
    this.write(level, message);
    const timer = setTimeout(() => {
      const ended = this.buckets.get(key);
      this.buckets.delete(key);
      if (ended !== undefined) this.summarize(key, ended);
    }, this.windowMs);
    timer.unref();
    this.buckets.set(key, { level, suppressed: 0, timer });
  }

  private summarize(reason: string, bucket: Bucket): void {
    if (bucket.suppressed === 0) return;
    this.write(bucket.level, `… and ${bucket.suppressed} more like it (${reason}) in the last ${this.windowMs} ms`);
  }

  private write(level: Level, message: string): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.error(message);
  }
}
