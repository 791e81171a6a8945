import { heldMemory } from '../../../../../test/support/heap';
import { BoundedBuckets } from './bounded-buckets';

describe('BoundedBuckets', () => {
  it('keeps at most maxKeys buckets, least recently used out first', () => {
    const buckets = new BoundedBuckets(3);
    const a = buckets.get('a', 0, 1, 1);
    a.tryTake(0);
    buckets.get('b', 0, 1, 1).tryTake(0);
    buckets.get('c', 0, 1, 1).tryTake(0);
    expect(buckets.get('a', 0, 1, 1)).toBe(a); // touched: 'b' is now the oldest
    buckets.get('d', 0, 1, 1);
    expect(buckets.size).toBe(3);
    expect(buckets.evictions).toBe(1);
    expect(buckets.get('a', 0, 1, 1)).toBe(a);
    expect(buckets.get('b', 0, 1, 1).available(0)).toBe(1); // forgotten: a fresh bucket
  });

  it('drops buckets that have refilled before anything else, losing nothing', () => {
    const buckets = new BoundedBuckets(100);
    for (let i = 0; i < 50; i++) buckets.get(`old-${i}`, 0, 10, 1).tryTake(0);
    // 1 s later every old bucket is full again: each new key retires up to two of them.
    for (let i = 0; i < 25; i++) buckets.get(`new-${i}`, 1_000, 10, 1);
    expect(buckets.size).toBe(25);
    expect(buckets.evictions).toBe(0);
  });

  it('holds a bounded map and bounded memory for 200 000 distinct callers', () => {
    const cap = 1_000;
    const buckets = new BoundedBuckets(cap);
    const before = heldMemory();
    let maxSize = 0;
    // All within the same millisecond with spent buckets: the worst case, nothing refills.
    for (let i = 0; i < 200_000; i++) {
      buckets.get(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 0, 1, 1).tryTake(0);
      maxSize = Math.max(maxSize, buckets.size);
    }
    const held = heldMemory() - before;
    expect(maxSize).toBe(cap);
    expect(buckets.evictions).toBe(200_000 - cap);
    // Measured ~150 B per bucket and key; bound: 1 000 of them at 400 B each (+64 KiB noise). Unbounded, 200 000 would hold > 20 MB.
    expect(held).toBeLessThan(cap * 400 + 64 * 1024);
  });
});
