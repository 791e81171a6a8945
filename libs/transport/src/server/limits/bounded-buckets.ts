import { TokenBucket } from './token-bucket';

/**
 * How often (ms) a bucket reached through a per-connection cache moves to the recent end of the
 * LRU order. Refreshing on every call cost a Map delete + set per call; once a second keeps the
 * order right to within a second, which only matters when more than `maxKeys` other callers
 * arrive within that second, and then the evicted caller merely starts a fresh (full) bucket.
 */
export const LRU_REFRESH_MS = 1_000;

/** A bucket held by BoundedBuckets: it knows its key, and whether the map has let it go. */
export class TrackedBucket extends TokenBucket {
  /** Set once the map has dropped it: a cache holding it must fetch the key's bucket again. */
  evicted = false;
  /** When it last moved to the recent end of the LRU order. */
  touchedAt: number;

  constructor(
    readonly key: string,
    perSecond: number,
    burst: number,
    now: number,
  ) {
    super(perSecond, burst, now);
    this.touchedAt = now;
  }
}

/**
 * Token buckets by key (one per caller, or caller and method), at most `maxKeys` of them, so a
 * stream of new callers cannot grow memory without bound. Least recently used first out. Each
 * new key first drops up to two of the oldest buckets that have refilled to full, which loses
 * nothing (a new bucket starts full); only when the map is full of partly spent buckets does an
 * eviction forget one, and that caller's next call starts with a full bucket. No timers.
 */
export class BoundedBuckets {
  private readonly buckets = new Map<string, TrackedBucket>();
  /** Buckets forgotten while not yet full (the cap was reached): a caller got a fresh burst. */
  evictions = 0;

  constructor(readonly maxKeys: number) {}

  get size(): number {
    return this.buckets.size;
  }

  get(key: string, now: number, perSecond: number, burst: number): TrackedBucket {
    const found = this.buckets.get(key);
    if (found !== undefined) {
      this.moveToRecent(found, now);
      return found;
    }
    this.makeRoom(now);
    const bucket = new TrackedBucket(key, perSecond, burst, now);
    this.buckets.set(key, bucket);
    return bucket;
  }

  /**
   * A bucket a cache resolved earlier is used again: false if it has been dropped since (fetch
   * the key again). Moves it to the recent end at most once per LRU_REFRESH_MS.
   */
  touch(bucket: TrackedBucket, now: number): boolean {
    if (bucket.evicted) return false;
    if (now - bucket.touchedAt >= LRU_REFRESH_MS) this.moveToRecent(bucket, now);
    return true;
  }

  private moveToRecent(bucket: TrackedBucket, now: number): void {
    // Re-insert: Map iteration order is insertion order, so the first entry is the least recently used.
    this.buckets.delete(bucket.key);
    this.buckets.set(bucket.key, bucket);
    bucket.touchedAt = now;
  }

  private makeRoom(now: number): void {
    for (let i = 0; i < 2; i++) {
      const oldest = this.oldest();
      if (oldest === undefined || !oldest.isFull(now)) break;
      this.drop(oldest);
    }
    while (this.buckets.size >= this.maxKeys) {
      const oldest = this.oldest();
      if (oldest === undefined) return;
      this.drop(oldest);
      if (!oldest.isFull(now)) this.evictions++;
    }
  }

  private drop(bucket: TrackedBucket): void {
    this.buckets.delete(bucket.key);
    bucket.evicted = true;
  }

  private oldest(): TrackedBucket | undefined {
    const next = this.buckets.values().next();
    return next.done === true ? undefined : next.value;
  }
}
