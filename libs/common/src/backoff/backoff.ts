import { DEFAULT_BACKOFF_INITIAL_DELAY_MS, DEFAULT_BACKOFF_JITTER, DEFAULT_BACKOFF_MAX_DELAY_MS, DEFAULT_BACKOFF_MULTIPLIER } from './backoff.constants';

export interface BackoffOptions {
  /** First delay. Default {@link DEFAULT_BACKOFF_INITIAL_DELAY_MS} (100 ms). */
  initialDelayMs?: number;
  /** Ceiling of every delay, jitter included. Default {@link DEFAULT_BACKOFF_MAX_DELAY_MS} (10 000 ms). */
  maxDelayMs?: number;
  /** Growth per attempt. Default {@link DEFAULT_BACKOFF_MULTIPLIER} (2). */
  multiplier?: number;
  /** Randomization, 0..1, applied as ±fraction of the base. Default {@link DEFAULT_BACKOFF_JITTER} (0.2). */
  jitter?: number;
}

/** Options with every default applied and the jitter clamped to 0..1. */
export type ResolvedBackoffOptions = Readonly<Required<BackoffOptions>>;

export function resolveBackoffOptions(options: BackoffOptions = {}): ResolvedBackoffOptions {
  return {
    initialDelayMs: Math.max(0, options.initialDelayMs ?? DEFAULT_BACKOFF_INITIAL_DELAY_MS),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? DEFAULT_BACKOFF_MAX_DELAY_MS),
    multiplier: Math.max(1, options.multiplier ?? DEFAULT_BACKOFF_MULTIPLIER),
    jitter: Math.min(1, Math.max(0, options.jitter ?? DEFAULT_BACKOFF_JITTER)),
  };
}

/**
 * The delay before attempt `attempt` (0-based): base = initial × multiplier^attempt capped at
 * the ceiling, randomized by ±jitter × base, then clamped to [0, ceiling]. Pure, so adapters
 * (etcd3's cockatiel-shaped watch backoff) draw from the same curve as the {@link Backoff} class.
 */
export function backoffDelay(policy: ResolvedBackoffOptions, attempt: number, random: () => number = Math.random): number {
  // multiplier^attempt overflows to Infinity for large attempts; min() turns that into the ceiling.
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** attempt);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base + spread)));
}

/**
 * The one backoff of nestrpc: jittered exponential delays, and at most one unref'd timer at a
 * time (a pending retry never keeps the process alive). Used for reconnects, etcd retries,
 * ejections and the failback queue.
 */
export class Backoff {
  private readonly policy: ResolvedBackoffOptions;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.policy = resolveBackoffOptions(options);
  }

  /** Delays drawn since the last `reset()`. */
  get attempts(): number {
    return this.attempt;
  }

  /** A scheduled run has not fired (nor been cancelled) yet. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** The delay for the next attempt; the series grows by one step. */
  nextDelay(): number {
    return backoffDelay(this.policy, this.attempt++, this.random);
  }

  /** Same as {@link nextDelay} (the name discovery's backoff used). */
  next(): number {
    return this.nextDelay();
  }

  /** Runs `run` once after `delayMs` (default: the next delay), replacing any pending run. Returns the delay. */
  schedule(run: () => void, delayMs: number = this.nextDelay()): number {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      run();
    }, delayMs);
    this.timer.unref();
    return delayMs;
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** After a success: the next delay is the first one again. A pending run stays scheduled (`cancel()` for that). */
  reset(): void {
    this.attempt = 0;
  }
}
