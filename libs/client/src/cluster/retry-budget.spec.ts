import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  it('allows retries up to the floor, then only as calls deposit', () => {
    let now = 0;
    const budget = new RetryBudget(0.5, 2, () => now);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    budget.onCall();
    budget.onCall(); // 2 × 0.5 = one retry
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
  });

  it('refills at minPerSecond and caps the bank', () => {
    let now = 0;
    const budget = new RetryBudget(0, 1, () => now);
    budget.tryRetry();
    expect(budget.tryRetry()).toBe(false);
    now += 1000;
    expect(budget.tryRetry()).toBe(true);
    now += 1_000_000; // a long quiet spell banks at most 10 s worth
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(10);
  });

  it('keeps retries near the ratio under sustained failure', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 0, () => now);
    let retries = 0;
    for (let i = 0; i < 10_000; i++) {
      budget.onCall();
      if (budget.tryRetry()) retries++;
      now += 1;
    }
    expect(retries).toBeGreaterThanOrEqual(1_990);
    expect(retries).toBeLessThanOrEqual(2_001);
  });
});
