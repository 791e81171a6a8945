import {
  DEFAULT_RECONNECT_INITIAL_DELAY_MS,
  DEFAULT_RECONNECT_JITTER,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  DEFAULT_RECONNECT_MULTIPLIER,
} from './constants';

export interface BackoffOptions {
  /** First delay. Default 100 ms. */
  initialDelayMs?: number;
  /** Ceiling. Default 10 000 ms. */
  maxDelayMs?: number;
  /** Growth per failure. Default 2. */
  multiplier?: number;
  /** Randomization, 0..1, applied as ±fraction. Default 0.2. */
  jitter?: number;
}

/** Jittered exponential backoff with one unref'd timer at a time. */
export class Backoff {
  private readonly initial: number;
  private readonly max: number;
  private readonly multiplier: number;
  private readonly jitter: number;
  private nextBase: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initial = options.initialDelayMs ?? DEFAULT_RECONNECT_INITIAL_DELAY_MS;
    this.max = options.maxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
    this.multiplier = options.multiplier ?? DEFAULT_RECONNECT_MULTIPLIER;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_RECONNECT_JITTER));
    this.nextBase = this.initial;
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** The delay the next `schedule()` will use, then grows the base. */
  nextDelay(): number {
    const base = this.nextBase;
    this.nextBase = Math.min(this.max, base * this.multiplier);
    const spread = base * this.jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.min(this.max, Math.round(base + spread)));
  }

  schedule(run: () => void): number {
    this.cancel();
    const delay = this.nextDelay();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      run();
    }, delay);
    this.timer.unref();
    return delay;
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** After a success: the next failure starts from the initial delay again. */
  reset(): void {
    this.cancel();
    this.nextBase = this.initial;
  }
}
