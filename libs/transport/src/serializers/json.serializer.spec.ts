import { JSON_SERIALIZER_ID } from './constants';
import { JsonSerializer } from './json.serializer';
import { Serializer } from './serializer';

const ctx = { pattern: 'users.get', kind: 'request' as const };
const json: Serializer = new JsonSerializer();
const roundTrip = (value: unknown): unknown => json.deserialize(Buffer.from(json.serialize(value, ctx)), ctx);

describe('JsonSerializer', () => {
  it('has the wire id 1 and the name "json"', () => {
    expect(json.id).toBe(JSON_SERIALIZER_ID);
    expect(json.name).toBe('json');
  });

  it('keeps no view of the body: what it decodes survives the body being overwritten', () => {
    const body = Buffer.from(json.serialize({ s: 'text', n: [1, 2] }, ctx));
    const back = json.deserialize(body, ctx);
    body.fill(0x20);
    expect(back).toEqual({ s: 'text', n: [1, 2] });
    expect(json.keepsNoBodyView).toBe(true);
  });

  it('round-trips nested objects, arrays, null and booleans', () => {
    const value = { a: { b: [1, 'two', { c: null, d: [true, false] }] }, e: [] as unknown[], f: {} };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip(null)).toBeNull();
  });

  it('keeps unicode: emoji, CJK, combining marks and lone surrogates (escaped as \\uXXXX)', () => {
    const text = 'héllo 👋🏽 世界 한국어 e\u0301';
    expect(roundTrip({ text })).toEqual({ text });
    expect(json.serialize('😀', ctx)).toBe('"😀"'); // text; the frame encoder writes it as UTF-8
    const lone = 'a\ud800b\udfff';
    expect(Buffer.from(json.serialize(lone, ctx)).toString('utf8')).toBe('"a\\ud800b\\udfff"');
    expect(roundTrip(lone)).toBe(lone);
  });

  it('refuses values with no JSON representation instead of sending nothing', () => {
    expect(() => json.serialize(() => 1, ctx)).toThrow('function has no JSON representation');
    expect(() => json.serialize(Symbol('s'), ctx)).toThrow('symbol has no JSON representation');
  });

  it('turns Date into its ISO string and Buffer/Uint8Array into objects', () => {
    expect(roundTrip(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('2024-01-02T03:04:05.006Z');
    expect(roundTrip(new Date(NaN))).toBeNull();
    expect(roundTrip(Buffer.from([1, 2]))).toEqual({ type: 'Buffer', data: [1, 2] });
    expect(roundTrip(new Uint8Array([1, 2]))).toEqual({ 0: 1, 1: 2 });
  });

  it('drops undefined object fields and functions, and turns undefined array items into null', () => {
    expect(roundTrip({ a: undefined, b: 1, f: () => 1 })).toEqual({ b: 1 });
    expect(roundTrip([undefined, 1, () => 1])).toEqual([null, 1, null]);
  });

  it('sends NaN and ±Infinity as null and -0 as 0', () => {
    expect(roundTrip([NaN, Infinity, -Infinity])).toEqual([null, null, null]);
    expect(Object.is(roundTrip(-0), 0)).toBe(true);
    expect(roundTrip(Number.MAX_SAFE_INTEGER + 2)).toBe(9007199254740992);
  });

  it('sends what toJSON() returns', () => {
    expect(roundTrip({ money: { toJSON: () => '5.00 EUR' } })).toEqual({ money: '5.00 EUR' });
  });

  it('sends Map and Set as {} and refuses bigint', () => {
    expect(roundTrip({ m: new Map([['a', 1]]), s: new Set([1]) })).toEqual({ m: {}, s: {} });
    expect(() => json.serialize(1n, ctx)).toThrow(TypeError);
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

  it('throws on malformed bodies and circular values', () => {
    expect(() => json.deserialize(Buffer.from('{"a":', 'utf8'), ctx)).toThrow(SyntaxError);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => json.serialize(circular, ctx)).toThrow(TypeError);
  });
});
