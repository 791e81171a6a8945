import { DEFAULT_RETRY_BUDGET_MIN_PER_SECOND, DEFAULT_RETRY_BUDGET_RATIO } from '../constants';

/**
 * Token bucket that keeps retries from turning an outage into a storm: every call deposits
 * `ratio` tokens, every retry withdraws one, and `minPerSecond` tokens trickle in so a quiet
 * caller can still retry. Capped, so a long quiet period does not bank a burst.
 */
export class RetryBudget {
  private tokens: number;
  private refilledAt: number;
  private readonly cap: number;

  constructor(
    private readonly ratio = DEFAULT_RETRY_BUDGET_RATIO,
    private readonly minPerSecond = DEFAULT_RETRY_BUDGET_MIN_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {
    this.cap = Math.max(1, minPerSecond * 10);
    this.tokens = minPerSecond;
    this.refilledAt = now();
  }

  onCall(): void {
    this.refill();
    this.tokens = Math.min(this.cap, this.tokens + this.ratio);
  }

  /** Takes a token for a retry; false when the budget is spent. */
  tryRetry(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.refilledAt = now;
    this.tokens = Math.min(this.cap, this.tokens + (elapsed / 1000) * this.minPerSecond);
  }
}
