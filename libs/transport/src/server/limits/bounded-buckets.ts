import { TokenBucket } from './token-bucket';

/**
 * Token buckets by key (one per caller, or caller and method), at most `maxKeys` of them, so a
 * stream of new callers cannot grow memory without bound. Least recently used first out. Each
 * new key first drops up to two of the oldest buckets that have refilled to full, which loses
 * nothing (a new bucket starts full); only when the map is full of partly spent buckets does an
 * eviction forget one, and that caller's next call starts with a full bucket. No timers.
 */
export class BoundedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Buckets forgotten while not yet full (the cap was reached): a caller got a fresh burst. */
  evictions = 0;

  constructor(readonly maxKeys: number) {}

  get size(): number {
    return this.buckets.size;
  }

  get(key: string, now: number, perSecond: number, burst: number): TokenBucket {
    const found = this.buckets.get(key);
    if (found !== undefined) {
      // Re-insert: Map iteration order is insertion order, so the first entry is the least recently used.
      this.buckets.delete(key);
      this.buckets.set(key, found);
      return found;
    }
    this.makeRoom(now);
    const bucket = new TokenBucket(perSecond, burst, now);
    this.buckets.set(key, bucket);
    return bucket;
  }

  private makeRoom(now: number): void {
    for (let i = 0; i < 2; i++) {
      const oldest = this.oldest();
      if (oldest === undefined || !oldest[1].isFull(now)) break;
      this.buckets.delete(oldest[0]);
    }
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.oldest();
      if (oldest === undefined) return;
      this.buckets.delete(oldest[0]);
      if (!oldest[1].isFull(now)) this.evictions++;
    }
  }

  private oldest(): [string, TokenBucket] | undefined {
    const next = this.buckets.entries().next();
    return next.done === true ? undefined : next.value;
  }
}
