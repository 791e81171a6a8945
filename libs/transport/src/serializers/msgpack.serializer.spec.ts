import { Packr } from 'msgpackr';
import { MSGPACK_SERIALIZER_ID } from './constants';
import { MsgpackSerializer } from './msgpack.serializer';
import { Serializer } from './serializer';
import { FrameArena, frameArena } from '../connection/frame-arena';

const ctx = { pattern: 'users.get', kind: 'response' as const };
const msgpack: Serializer = new MsgpackSerializer();
const roundTrip = (value: unknown, s: Serializer = msgpack): unknown => s.deserialize(Buffer.from(s.serialize(value, ctx)), ctx);

describe('MsgpackSerializer', () => {
  it('serializes after the room asked for (the frame header), up to 255 bytes, and not with options that rewrite its output', () => {
    const plain = new MsgpackSerializer();
    const context = { pattern: 'p', kind: 'request' as const };
    const whole = plain.serializeWithHeadroom({ a: 1 }, context, 40) as Buffer;
    expect(whole.subarray(40).equals(Buffer.from(plain.serialize({ a: 1 })))).toBe(true);
    expect(plain.serializeWithHeadroom({ a: 1 }, context, 256)).toBeUndefined();
    expect(new MsgpackSerializer({ useRecords: true }).serializeWithHeadroom({ a: 1 }, context, 16)).toBeUndefined();
    expect(new MsgpackSerializer({ bundleStrings: true }).serializeWithHeadroom({ a: 1 }, context, 16)).toBeUndefined();
  });

  it('packs frames into the frame arena, one after another, and leaves msgpackr out of it for any other pack', () => {
    const serializer = new MsgpackSerializer();
    const context = { pattern: 'p', kind: 'request' as const };
    const first = serializer.serializeWithHeadroom({ n: 1, s: 'x'.repeat(1000) }, context, 20)!;
    const second = serializer.serializeWithHeadroom({ n: 2 }, context, 20)!;
    expect(FrameArena.owns(first)).toBe(true);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBeGreaterThanOrEqual(first.byteOffset + first.length);
    // msgpackr's buffer and position are shared by every Packr of the process: a pack anywhere
    // after ours (another Packr, our own serialize()) must not write into the arena's memory.
    const foreign = new Packr().pack({ other: 'y'.repeat(500) });
    const plain = Buffer.from(serializer.serialize({ n: 3 }));
    expect(FrameArena.owns(foreign)).toBe(false);
    expect(FrameArena.owns(Buffer.from(foreign.buffer, foreign.byteOffset, foreign.length))).toBe(false);
    expect(serializer.deserialize(first.subarray(20))).toEqual({ n: 1, s: 'x'.repeat(1000) });
    expect(serializer.deserialize(second.subarray(20))).toEqual({ n: 2 });
    expect(serializer.deserialize(plain)).toEqual({ n: 3 });
    frameArena.release(first);
    frameArena.release(second);
  });

  it('packs a value too large for an arena region into a buffer of its own, unclaimed', () => {
    const serializer = new MsgpackSerializer();
    const big = { s: 'z'.repeat(100_000) };
    const frame = serializer.serializeWithHeadroom(big, { pattern: 'p', kind: 'request' }, 20)!;
    expect(FrameArena.owns(frame)).toBe(false);
    expect(serializer.deserialize(frame.subarray(20))).toEqual(big);
    // The next frame still goes to the arena.
    const next = serializer.serializeWithHeadroom({ n: 1 }, { pattern: 'p', kind: 'request' }, 20)!;
    expect(FrameArena.owns(next)).toBe(true);
    frameArena.release(next);
  });

  it('has the wire id 2 and the name "msgpack"', () => {
    expect(msgpack.id).toBe(MSGPACK_SERIALIZER_ID);
    expect(msgpack.name).toBe('msgpack');
  });

  it('round-trips nested objects, arrays, null and booleans', () => {
    const value = { a: { b: [1, 'two', { c: null, d: [true, false] }] }, e: [] as unknown[], f: {} };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip(null)).toBeNull();
  });

  it('keeps unicode; a lone surrogate arrives as three U+FFFD', () => {
    const text = 'héllo 👋🏽 世界 한국어 e\u0301';
    expect(roundTrip({ text })).toEqual({ text });
    expect(roundTrip('a\ud800b')).toBe('a\ufffd\ufffd\ufffdb');
  });

  it('keeps Date as Date (including invalid dates) and binary as Buffer', () => {
    const date = new Date(Date.UTC(1969, 11, 31, 23, 59, 59, 999));
    expect(roundTrip(date)).toEqual(date);
    expect(Number.isNaN((roundTrip(new Date(NaN)) as Date).getTime())).toBe(true);
    const fromBuffer = roundTrip(Buffer.from([1, 2, 255]));
    const fromU8 = roundTrip(new Uint8Array([3, 4]));
    expect(Buffer.isBuffer(fromBuffer) && Buffer.isBuffer(fromU8)).toBe(true);
    expect(fromBuffer).toEqual(Buffer.from([1, 2, 255]));
    expect(fromU8).toEqual(Buffer.from([3, 4]));
  });

  it('copies binary out of the body unless copyBuffers is turned off', () => {
    const body = Buffer.from(msgpack.serialize({ b: Buffer.from('hello') }, ctx));
    expect((msgpack.deserialize(body, ctx) as { b: Buffer }).b.buffer).not.toBe(body.buffer);
    const viewing: Serializer = new MsgpackSerializer({ copyBuffers: false });
    expect((viewing.deserialize(body, ctx) as { b: Buffer }).b.buffer).toBe(body.buffer);
  });

  it('says it keeps no view of the body only while that holds: not with copyBuffers off or extensions that build values', () => {
    const body = Buffer.from(msgpack.serialize({ b: Buffer.from('hello'), s: 'text', d: new Date(7) }, ctx));
    const back = msgpack.deserialize(body, ctx);
    body.fill(0); // what the next read does to the shared read buffer
    expect(back).toEqual({ b: Buffer.from('hello'), s: 'text', d: new Date(7) });
    expect(msgpack.keepsNoBodyView).toBe(true);
    expect(new MsgpackSerializer({ copyBuffers: false }).keepsNoBodyView).toBe(false);
    for (const options of [{ useRecords: true }, { structuredClone: true }, { moreTypes: true }]) {
      expect(new MsgpackSerializer(options).keepsNoBodyView).toBe(false);
    }
  });

  it('keeps undefined in objects and arrays', () => {
    const back = roundTrip({ a: undefined, list: [undefined, 1] }) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['a', 'list']);
    expect(back.a).toBeUndefined();
    expect(back.list).toEqual([undefined, 1]);
  });

  it('keeps functions as undefined, ignores toJSON and overflows the stack on circular values', () => {
    expect(roundTrip({ f: () => 1, list: [() => 1] })).toEqual({ f: undefined, list: [undefined] });
    expect(roundTrip({ when: { toJSON: () => 'x', n: 1 } })).toEqual({ when: { toJSON: undefined, n: 1 } });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => msgpack.serialize(circular, ctx)).toThrow(RangeError);
  });

  it('keeps NaN and ±Infinity, turns -0 into 0 and keeps bigint in the int64 range', () => {
    expect(roundTrip(Number.MAX_SAFE_INTEGER + 2)).toBe(9007199254740992);
    expect(roundTrip([NaN, Infinity, -Infinity])).toEqual([NaN, Infinity, -Infinity]);
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
    expect(roundTrip(-(2n ** 63n))).toBe(-(2n ** 63n));
    expect(() => msgpack.serialize(2n ** 64n, ctx)).toThrow(RangeError);
  });

  it('sends Map as an object and Set as an array; mangles a "__proto__" key', () => {
    expect(roundTrip({ m: new Map<unknown, number>([['a', 1], [2, 2]]), s: new Set([1, 2]) })).toEqual({ m: { a: 1, 2: 2 }, s: [1, 2] });
    expect(Object.keys(roundTrip(JSON.parse('{"__proto__":1}')) as object)).toEqual(['__proto_']);
  });

  it('round-trips 100 000 array items', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ i, s: `#${i}` }));
    expect(roundTrip(items)).toEqual(items);
  });

  it('throws on truncated bodies', () => {
    const body = Buffer.from(msgpack.serialize({ text: 'a long enough string' }, ctx));
    expect(() => msgpack.deserialize(body.subarray(0, body.length - 3), ctx)).toThrow();
  });
});

describe('MsgpackSerializer with bodies from a hostile peer', () => {
  const rich = new Packr({ moreTypes: true, structuredClone: true });
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  it.each([
    ['a record (structure extension)', new Packr({ useRecords: true }).pack({ a: 1, b: 2 })],
    ['an Error', rich.pack(new Error('boom'))],
    ['a RegExp', rich.pack(/a+/g)],
    ['a Set', rich.pack(new Set([1, 2]))],
    ['a cyclic structure', rich.pack(cyclic)],
  ])('refuses %s: only plain data, Date, binary and undefined are decoded', (_what, body) => {
    expect(() => msgpack.deserialize(Buffer.from(body), ctx)).toThrow(/extension type/);
  });

  it('still decodes what the docs promise, and a declared count larger than the body', () => {
    const value = { d: new Date(0), b: Buffer.from('x'), u: undefined, n: [1, -1, 1.5, 2 ** 40, 'é'] };
    expect(roundTrip(value)).toEqual(value);
    expect(() => msgpack.deserialize(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), ctx)).toThrow(RangeError);
  });

  it('keeps records working when both sides ask for them', () => {
    const withRecords = new MsgpackSerializer({ useRecords: true });
    expect(roundTrip({ a: 1, b: [2] }, withRecords)).toEqual({ a: 1, b: [2] });
  });
});
