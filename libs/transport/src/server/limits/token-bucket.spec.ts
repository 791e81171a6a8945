import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('admits a burst, then refills at its rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) {
      expect(bucket.tryTake(0)).toBe(true);
    }
    expect(bucket.tryTake(0)).toBe(false);
    // 10/s: one token every 100 ms.
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.available(99)).toBe(0);
    expect(bucket.tryTake(100)).toBe(true);
    expect(bucket.waitMs(150)).toBe(50);
  });

  it('never banks more than its burst', () => {
    const bucket = new TokenBucket(1000, 5, 0);
    expect(bucket.available(60_000)).toBe(5);
    expect(bucket.isFull(60_000)).toBe(true);
    bucket.tryTake(60_000);
    expect(bucket.isFull(60_000)).toBe(false);
    bucket.refund();
    expect(bucket.isFull(60_000)).toBe(true);
    bucket.tryTake(60_000);
    expect(bucket.isFull(60_001)).toBe(true);
  });
});
