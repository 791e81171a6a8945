import { runWithGc } from '../../../../test/support/child-process';
import { resolve } from 'path';
import { SeqMap } from './seq-map';


interface Entry {
  readonly seq: number;
  readonly name?: string;
}
const entry = (seq: number): Entry => ({ seq, name: `e${seq}` });

/**
 * Bytes promoted to the old generation per settled entry, measured in a child with --expose-gc:
 * entries come and go through `table`, 32 in flight, first to warm it up and get the table itself
 * promoted, then 20,000 more with young-generation collections only. What survives those is what
 * the table's leftovers kept reachable.
 */
function promotedBytesPerSettledEntry(table: string, add: string, remove: string): number {
  const script = `
    const v8 = require('v8');
    const { SeqMap } = require(${JSON.stringify(resolve(__dirname, 'seq-map'))});
    const { PendingCalls } = require(${JSON.stringify(resolve(__dirname, '../client/pending-calls'))});
    const old = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
    const table = ${table};
    const add = (e) => ${add};
    const remove = (seq) => ${remove};
    const churn = (first, last) => {
      for (let i = first; i <= last; i++) {
        add({ seq: i, data: [i, i, i, i] });
        if (i - 32 >= first) remove(i - 32);
        if (i % 2000 === 0) gc({ type: 'minor' });
      }
      for (let i = last - 31; i <= last; i++) remove(i);
    };
    churn(1, 20000);
    gc(); gc();
    const before = old();
    churn(20001, 40000);
    gc({ type: 'minor' }); gc({ type: 'minor' });
    process.stdout.write(String((old() - before) / 20000));`;
  return Number(runWithGc(script));
}

describe('SeqMap', () => {
  it('gets, adds and deletes by sequence id', () => {
    const map = new SeqMap<Entry>(4, 8);
    const a = entry(1);
    map.add(a);
    map.add(entry(2));
    expect(map.size).toBe(2);
    expect(map.get(1)).toBe(a);
    expect(map.has(2)).toBe(true);
    expect(map.get(5)).toBeUndefined(); // same slot as 1, another id
    expect(map.delete(5)).toBeUndefined();
    expect(map.delete(1)).toBe(a);
    expect(map.delete(1)).toBeUndefined();
    expect(map.has(1)).toBe(false);
    expect(map.size).toBe(1);
  });

  it('doubles its ring when an older entry holds a new id slot, without moving any entry out of reach', () => {
    const map = new SeqMap<Entry>(4, 64);
    for (const seq of [1, 2, 3, 4]) map.add(entry(seq));
    map.add(entry(5)); // slot of 1 (mask 3) is taken: grows to 8
    expect(map.slotCount).toBe(8);
    map.add(entry(9)); // slot of 1 (mask 7) is taken: grows to 16
    expect(map.slotCount).toBe(16);
    for (const seq of [1, 2, 3, 4, 5, 9]) expect(map.get(seq)?.seq).toBe(seq);
    expect(map.size).toBe(6);
  });

  it('puts ids whose slot is taken in a Map once the ring is at its largest', () => {
    const map = new SeqMap<Entry>(4, 4);
    for (const seq of [1, 5, 9, 2]) map.add(entry(seq));
    expect(map.slotCount).toBe(4);
    for (const seq of [1, 5, 9, 2]) expect(map.get(seq)?.seq).toBe(seq);
    expect(map.delete(5)?.seq).toBe(5);
    expect(map.get(9)?.seq).toBe(9);
    expect(map.size).toBe(3);


    const growing = new SeqMap<Entry>(4, 16);
    // 2, 3 fill half the ring; 1, 5, 9 and 13 share slot 1 under mask 3, 1 and 9 still under mask 7: it grows twice.
    for (const seq of [2, 3, 1, 5, 9, 13]) growing.add(entry(seq));
    expect(growing.slotCount).toBe(16);
    for (const seq of [2, 3, 1, 5, 9, 13]) expect(growing.get(seq)?.seq).toBe(seq);
  });

  it('grows only while at least half full: ids chosen to collide go to the Map, not into a larger ring', () => {
    // What a peer can choose on the server (calls are keyed by the client's ids): every id on slot 0.
    const map = new SeqMap<Entry>(64, 4096);
    const colliding = Array.from({ length: 31 }, (_, i) => i * 4096);
    for (const seq of colliding) map.add(entry(seq));
    expect(map.slotCount).toBe(64); // doubling on every collision took it to 4096 slots (32 KiB) with 7 such ids
    for (const seq of colliding) expect(map.get(seq)?.seq).toBe(seq);
    for (const seq of colliding) expect(map.delete(seq)?.seq).toBe(seq);
    expect(map.size).toBe(0);

    // Ids in order, as a client assigns them, still grow it to the calls in flight, and no further.
    const inOrder = new SeqMap<Entry>(64, 4096);
    for (let seq = 1; seq <= 1000; seq++) inOrder.add(entry(seq));
    expect(inOrder.slotCount).toBe(1024);
    for (let seq = 1; seq <= 1000; seq++) expect(inOrder.get(seq)?.seq).toBe(seq);
  });

  it('lists its entries in sequence order, ring and overflow alike, as a copy', () => {
    const map = new SeqMap<Entry>(4, 4);
    for (const seq of [7, 3, 11, 1, 2]) map.add(entry(seq));
    const all = map.values();
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 7, 11]);
    for (const e of all) map.delete(e.seq);
    expect(map.size).toBe(0);
    expect(map.values()).toEqual([]);
  });

  it('clears to empty and takes new entries after', () => {
    const map = new SeqMap<Entry>(4, 4);
    for (const seq of [1, 5, 2]) map.add(entry(seq));
    map.clear();
    expect(map.size).toBe(0);
    for (const seq of [1, 5, 2]) expect(map.has(seq)).toBe(false);
    map.add(entry(5));
    expect(map.get(5)?.seq).toBe(5);
  });

  it('handles ids across the whole u32 range', () => {
    const map = new SeqMap<Entry>(4, 8);
    for (const seq of [0xffffffff, 0xfffffffe, 1]) map.add(entry(seq));
    expect(map.get(0xffffffff)?.seq).toBe(0xffffffff);
    expect(map.get(0xfffffffe)?.seq).toBe(0xfffffffe);
    expect(map.get(1)?.seq).toBe(1);
    expect(map.values().map((e) => e.seq)).toEqual([1, 0xfffffffe, 0xffffffff]);
  });

  it('refuses slot counts that are not powers of two', () => {
    expect(() => new SeqMap(3)).toThrow(RangeError);
    expect(() => new SeqMap(8, 4)).toThrow(RangeError);
  });

  // The reason it exists, measured against the Map it replaces.
  it('keeps nothing of a settled entry reachable: young collections promote (almost) nothing per entry, where a Map promotes each one', () => {
    const viaMap = promotedBytesPerSettledEntry('new Map()', 'table.set(e.seq, e)', 'table.delete(seq)');
    const viaRing = promotedBytesPerSettledEntry('new SeqMap()', 'table.add(e)', 'table.delete(seq)');
    // Each entry is ~100 bytes with its array: the Map's stale tables promote nearly all of them.
    expect(viaMap).toBeGreaterThan(60);
    expect(viaRing).toBeLessThan(4);
  }, 60_000);

  it('gives PendingCalls the same: a settled call leaves nothing to promote', () => {
    // A call record as ClientConnection makes it, with a deadline (the queue links its entries too).
    const record = '{ seq: e.seq, pattern: "p", callback: e.data, timeoutMs: 30000, deadline: undefined }';
    const perCall = promotedBytesPerSettledEntry('new PendingCalls()', `table.add(${record}, 30000)`, 'table.take(seq)');
    expect(perCall).toBeLessThan(4);
  }, 60_000);
});
