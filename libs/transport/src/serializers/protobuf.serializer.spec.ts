import { SerializationError } from '../errors/serialization.error';
import { PROTOBUF_SERIALIZER_ID } from './constants';
import { MAX_ENVELOPE_DEPTH } from './protobuf-envelope';
import { ProtobufSerializer } from './protobuf.serializer';

const ctx = { pattern: 'anything', kind: 'request' as const };
const protobuf = new ProtobufSerializer();
const roundTrip = (value: unknown): unknown => protobuf.deserialize(Buffer.from(protobuf.serialize(value, ctx)), ctx);

function nest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { v: value } : [value];
  return value;
}

describe('ProtobufSerializer (envelope, no schema)', () => {
  it('has the wire id 3 and the name "protobuf", and needs no options', () => {
    expect(protobuf.id).toBe(PROTOBUF_SERIALIZER_ID);
    expect(protobuf.name).toBe('protobuf');
  });

  it('keeps no view of the body: strings and bytes survive the body being overwritten', () => {
    const body = Buffer.from(protobuf.serialize({ s: 'text', b: Buffer.from('bin') }, ctx));
    const back = protobuf.deserialize(body, ctx);
    body.fill(0);
    expect(back).toEqual({ s: 'text', b: Buffer.from('bin') });
    expect(protobuf.keepsNoBodyView).toBe(true);
  });

  it('round-trips nested objects, arrays, null, booleans and empty containers', () => {
    const value = { a: { b: [1, 'two', { c: null, d: [true, false] }] }, e: [] as unknown[], f: {}, g: '' , h: 0 };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip(null)).toBeNull();
    expect(roundTrip(false)).toBe(false);
    expect(roundTrip('')).toBe('');
  });

  it('keeps unicode; a lone surrogate arrives as three U+FFFD', () => {
    const text = 'héllo 👋🏽 世界 한국어 e\u0301';
    expect(roundTrip({ [text]: text })).toEqual({ [text]: text });
    expect(roundTrip('a\ud800b')).toBe('a\ufffd\ufffd\ufffdb');
  });

  it('keeps Date as Date to the millisecond, before and after 1970', () => {
    for (const ms of [0, 1, -1, -1001, 1_700_000_000_123, 8.64e15, -8.64e15]) {
      const back = roundTrip({ at: new Date(ms) }) as { at: Date };
      expect(back.at).toBeInstanceOf(Date);
      expect(back.at.getTime()).toBe(ms);
    }
  });

  it('refuses an invalid Date', () => {
    expect(() => protobuf.serialize(new Date(NaN), ctx)).toThrow(SerializationError);
  });

  it('keeps Buffer and Uint8Array as Buffer copies that do not alias the body', () => {
    const body = Buffer.from(protobuf.serialize({ b: Buffer.from([0, 1, 255]), u: new Uint8Array([7]), e: Buffer.alloc(0) }, ctx));
    const back = protobuf.deserialize(body, ctx) as Record<string, Buffer>;
    expect(Buffer.isBuffer(back.b) && Buffer.isBuffer(back.u) && Buffer.isBuffer(back.e)).toBe(true);
    expect(back).toEqual({ b: Buffer.from([0, 1, 255]), u: Buffer.from([7]), e: Buffer.alloc(0) });
    body.fill(0);
    expect(back.b).toEqual(Buffer.from([0, 1, 255]));
  });

  it('drops undefined, functions and symbols in objects and turns them into null in arrays', () => {
    const back = roundTrip({ a: undefined, f: () => 1, s: Symbol('x'), list: [undefined, () => 1, 1] });
    expect(back).toEqual({ list: [null, null, 1] });
    expect(Object.keys(back as object)).toEqual(['list']);
  });

  it('encodes a top-level undefined as an empty body that decodes to undefined', () => {
    expect(protobuf.serialize(undefined, ctx).length).toBe(0);
    expect(protobuf.deserialize(Buffer.alloc(0), ctx)).toBeUndefined();
  });

  it('keeps NaN, ±Infinity, -0 and every double exactly', () => {
    const numbers = [NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2];
    expect(roundTrip(numbers)).toEqual(numbers);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  it('keeps bigint of any size exactly', () => {
    for (const big of [0n, -1n, 2n ** 64n, -(10n ** 40n)]) expect(roundTrip({ big })).toEqual({ big });
  });

  it('refuses Map, Set, ArrayBuffer and typed arrays other than Uint8Array', () => {
    for (const value of [new Map(), new Set(), new ArrayBuffer(2), new Float64Array(1), new Uint16Array(1)]) {
      expect(() => protobuf.serialize({ value }, ctx)).toThrow(SerializationError);
    }
  });

  it('encodes objects with toJSON() (other than Date) as what toJSON returns', () => {
    const money = { amount: 5n, toJSON: () => '5.00 EUR' };
    expect(roundTrip({ money, gone: { toJSON: () => undefined } })).toEqual({ money: '5.00 EUR', gone: null });
  });

  it('keeps a "__proto__" key as an own property without touching the prototype', () => {
    const back = roundTrip(JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips 100 000 array items', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ i, s: `#${i}` }));
    expect(roundTrip(items)).toEqual(items);
  });

  it(`nests up to ${MAX_ENVELOPE_DEPTH} levels and refuses deeper or circular values`, () => {
    expect(roundTrip(nest(MAX_ENVELOPE_DEPTH))).toEqual(nest(MAX_ENVELOPE_DEPTH));
    expect(() => protobuf.serialize(nest(MAX_ENVELOPE_DEPTH + 1), ctx)).toThrow(SerializationError);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => protobuf.serialize(circular, ctx)).toThrow(/circular/);
  });

  it('wraps malformed bodies in SerializationError', () => {
    const body = Buffer.from(protobuf.serialize({ text: 'a long enough string' }, ctx));
    for (const bad of [body.subarray(0, body.length - 3), Buffer.from([0xff]), Buffer.from([0x4a, 0x01, 0x78])]) {
      expect(() => protobuf.deserialize(bad, ctx)).toThrow(SerializationError);
    }
  });
});
