/** Slots a table starts with, and the most its ring grows to (32 KiB of slots); calls beyond go to a Map. */
export const SEQ_RING_INITIAL_SLOTS = 64;
export const SEQ_RING_MAX_SLOTS = 4096;

/**
 * The calls of one connection in flight, keyed by their u32 sequence id: a ring of slots
 * (`seq & mask`) for ids that come in order, as a client assigns them, and a Map for an id whose
 * slot is taken once the ring is at its largest.
 *
 * Why not a Map alone: a Map that calls come and go through rehashes, and the tables it leaves
 * behind still point at the entries they held. Once those tables are in the old generation, a
 * young-generation collection takes them as roots, so every settled call's entry (and what it
 * holds) survives it, is promoted and waits for a full collection: old space, and peak RSS with
 * it, grew with the calls made (docs/decisions.md). A ring
 * slot is cleared when its call leaves, so nothing of a settled call stays reachable.
 *
 * The ring doubles when a new id's slot is taken (an older call still holds it) and at least
 * half its slots are in use, up to SEQ_RING_MAX_SLOTS: ids that were distinct under a mask stay
 * distinct under a wider one, so growing never collides. A colliding id in a ring less than half
 * full, or at its largest, goes to the Map. A doubling needs at least half as many calls in
 * flight (ring and Map together) as the slots it starts from, so the ring is at most four times
 * the most calls the connection had in flight (at least SEQ_RING_INITIAL_SLOTS): a peer choosing
 * ids that collide (the server keys calls by the client's ids) cannot grow it with a few calls,
 * where doubling on every collision let 7 calls take it to 32 KiB. Client ids come in order, so
 * under steady load nearly every call finds a free slot; an id whose slot an older call still
 * holds (a long-running call, or completions far out of order) goes to the Map until one of
 * them leaves. It does not shrink.
 */
export class SeqMap<T extends { readonly seq: number }> {
  private slots: Array<T | undefined>;
  private mask: number;
  private overflow: Map<number, T> | undefined;
  private count = 0;

  constructor(
    initialSlots = SEQ_RING_INITIAL_SLOTS,
    private readonly maxSlots = SEQ_RING_MAX_SLOTS,
  ) {
    if (!isPowerOfTwo(initialSlots) || !isPowerOfTwo(maxSlots) || maxSlots < initialSlots) throw new RangeError(`SeqMap slots must be powers of two, initial ≤ max (got ${initialSlots}, ${maxSlots})`);
    this.slots = emptySlots(initialSlots);
    this.mask = initialSlots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Ring slots allocated (for tests: they follow the peak in flight, up to the maximum). */
  get slotCount(): number {
    return this.slots.length;
  }

  get(seq: number): T | undefined {
    const entry = this.slots[seq & this.mask];
    if (entry !== undefined && entry.seq === seq) return entry;
    return this.overflow === undefined ? undefined : this.overflow.get(seq);
  }

  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }

  /** Adds `entry` under its seq, which must not be in the map (callers check `has` first). */
  add(entry: T): void {
    const seq = entry.seq;
    let index = seq & this.mask;
    while (this.slots[index] !== undefined && this.slots.length < this.maxSlots && this.count >= this.slots.length >>> 1) {
      this.grow();
      index = seq & this.mask;
    }
    if (this.slots[index] === undefined) this.slots[index] = entry;
    else (this.overflow ??= new Map()).set(seq, entry);
    this.count++;
  }

  /** Removes and returns the entry under `seq`, if any. */
  delete(seq: number): T | undefined {
    const index = seq & this.mask;
    const entry = this.slots[index];
    if (entry !== undefined && entry.seq === seq) {
      this.slots[index] = undefined;
      this.count--;
      return entry;
    }
    const other = this.overflow?.get(seq);
    if (other === undefined) return undefined;
    this.overflow!.delete(seq);
    if (this.overflow!.size === 0) this.overflow = undefined;
    this.count--;
    return other;
  }

  /** Every entry, in sequence order (a copy: callers may delete while they go through it). */
  values(): T[] {
    const all: T[] = [];
    if (this.count === 0) return all;
    for (const entry of this.slots) if (entry !== undefined) all.push(entry);
    if (this.overflow !== undefined) for (const entry of this.overflow.values()) all.push(entry);
    return all.sort((a, b) => a.seq - b.seq);
  }

  clear(): void {
    if (this.count > 0) this.slots.fill(undefined);
    this.overflow = undefined;
    this.count = 0;
  }

  private grow(): void {
    const slots = emptySlots<T>(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const entry of this.slots) if (entry !== undefined) slots[entry.seq & mask] = entry;
    this.slots = slots;
    this.mask = mask;
  }
}

function emptySlots<T>(n: number): Array<T | undefined> {
  return new Array<T | undefined>(n).fill(undefined);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
