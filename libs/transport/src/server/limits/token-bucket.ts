/**
 * A token bucket: holds up to `burst` tokens, refilled continuously at `perSecond`; each
 * admitted call takes one. Time is passed in (ms), so it has no timers and tests need no clock.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Whole tokens available at `now` (refills first). */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Takes one token if there is one. */
  tryTake(now: number): boolean {
    if (this.available(now) < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Gives back a token taken for a call that another limit then refused. */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** ms until one token is available (0 if one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  /** Full again: forgetting this bucket loses nothing (a new one starts full). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.refilledAt = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
  }
}
