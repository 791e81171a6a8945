import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Root } from 'protobufjs';
import { SerializationError } from '../errors/serialization.error';
import { ProtobufSerializer } from './protobuf.serializer';
import { PayloadKind } from './serializer';

const PROTO = `
syntax = "proto3";
package shop.v1;
enum Status { STATUS_UNKNOWN = 0; ACTIVE = 1; BANNED = 2; }
message GetUser { string user_id = 1; }
message Address { string city = 1; repeated string lines = 2; }
message User {
  string id = 1;
  string name = 2;
  int64 balance_cents = 3;
  uint32 age = 4;
  Status status = 5;
  bytes avatar = 6;
  Address address = 7;
  repeated Address previous = 8;
  map<string, int32> scores = 9;
  double rating = 10;
  bool admin = 11;
  oneof contact { string email = 12; string phone = 13; }
  User referrer = 14;
}`;

const TYPES = { 'users.get': { request: 'shop.v1.GetUser', response: 'shop.v1.User' } };
const ctx = (kind: PayloadKind, pattern = 'users.get') => ({ pattern, kind });

const user = {
  id: 'u1',
  name: '山田 太郎 🍣',
  balanceCents: '9007199254740993',
  age: 42,
  status: 'ACTIVE',
  avatar: Buffer.from([0, 1, 2, 255]),
  address: { city: 'Köln', lines: ['Domkloster 4'] },
  previous: [{ city: 'Tokyo', lines: [] }],
  scores: { chess: 1800, go: -3 },
  rating: 4.5,
  admin: false,
  email: 'taro@example.com',
  referrer: null,
};

describe('ProtobufSerializer (schema per pattern)', () => {
  let dir: string;
  let protoPath: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nestrpc-proto-'));
    protoPath = join(dir, 'shop.proto');
    writeFileSync(protoPath, PROTO);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const roots = (): [string, () => ProtobufSerializer][] => [
    ['a .proto path', () => new ProtobufSerializer({ root: protoPath, types: TYPES })],
    ['a Root', () => new ProtobufSerializer({ root: Root.fromJSON(new Root().loadSync(protoPath).toJSON()), types: TYPES })],
    ['a JSON descriptor', () => new ProtobufSerializer({ root: new Root().loadSync(protoPath).toJSON(), types: TYPES })],
  ];

  it.each(roots())('loads the schema from %s and round-trips a response exactly', (_, make) => {
    const s = make();
    const body = Buffer.from(s.serialize(user, ctx('response')));
    expect(s.deserialize(body, ctx('response'))).toEqual(user);
  });

  it('fills defaults for absent fields (proto3), decodes int64 as string and enums as names', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    const back = s.deserialize(Buffer.from(s.serialize({ id: 'u2' }, ctx('response'))), ctx('response'));
    expect(back).toEqual({
      id: 'u2', name: '', balanceCents: '0', age: 0, status: 'STATUS_UNKNOWN', avatar: Buffer.alloc(0),
      address: null, previous: [], scores: {}, rating: 0, admin: false, referrer: null,
    });
  });

  it('encodes an empty message as a zero-length body', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    expect(s.serialize({}, ctx('request')).length).toBe(0);
    expect(s.deserialize(Buffer.alloc(0), ctx('request'))).toEqual({ userId: '' });
  });

  it('accepts number, bigint, Long-like and decimal-string int64 and enum numbers; honours longs/enums options', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES, longs: 'bigint', enums: 'number' });
    for (const balanceCents of [12, 12n, '12', { low: 12, high: 0 }]) {
      const back = s.deserialize(Buffer.from(s.serialize({ balanceCents, status: 2 }, ctx('response'))), ctx('response'));
      expect(back).toMatchObject({ balanceCents: 12n, status: 2 });
    }
    const lossy = new ProtobufSerializer({ root: protoPath, types: TYPES, longs: 'number' });
    expect(lossy.deserialize(Buffer.from(lossy.serialize({ balanceCents: '-5' }, ctx('response'))), ctx('response'))).toMatchObject({ balanceCents: -5 });
  });

  it.each([
    [{ age: -1 }, /age: uint32 expected/],
    [{ age: 2 ** 32 }, /age: uint32 expected/],
    [{ balanceCents: 'abc' }, /balanceCents: int64 expected/],
    [{ balanceCents: 1.5 }, /balanceCents: int64 expected/],
    [{ status: 'GONE' }, /status: Status name expected/],
    [{ name: 5 }, /name: string expected/],
    [{ avatar: [1, 2] }, /avatar: Buffer, Uint8Array or base64 string expected/],
    [{ address: { city: 1 } }, /address.city: string expected/],
    [{ previous: [{}, { lines: 'x' }] }, /previous\[1\].lines: array expected/],
    [{ scores: { a: 'x' } }, /scores\["a"\]: int32 expected/],
    [{ email: 'a', phone: 'b' }, /contact: more than one member/],
    [{ referrer: { referrer: { admin: 'yes' } } }, /referrer.referrer.admin: boolean expected/],
    ['not an object', /User object expected/],
  ])('refuses %j with a SerializationError naming the field', (value, message) => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    const call = () => s.serialize(value, ctx('response'));
    expect(call).toThrow(SerializationError);
    expect(call).toThrow(message);
    expect(call).toThrow(/response of "users.get" does not match shop.v1.User/);
  });

  it('uses the envelope for kinds and patterns without a schema', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    const value = { anything: [1, 'goes'], at: new Date(5) };
    for (const c of [ctx('error'), ctx('event'), ctx('request', 'other.pattern')]) {
      expect(s.deserialize(Buffer.from(s.serialize(value, c)), c)).toEqual(value);
    }
  });

  it('does not let decoded bytes fields alias the frame body (keepsNoBodyView holds)', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    expect(s.keepsNoBodyView).toBe(true);
    const body = Buffer.from(s.serialize({ avatar: Buffer.from('img') }, ctx('response')));
    const back = s.deserialize(body, ctx('response')) as { avatar: Buffer };
    body.fill(0);
    expect(back.avatar.toString()).toBe('img');
  });

  it('wraps undecodable bodies in SerializationError', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    expect(() => s.deserialize(Buffer.from([0x0a, 0x05, 0x61]), ctx('request'))).toThrow(SerializationError);
  });

  it('refuses a body that does not match the pattern\'s schema instead of decoding it into defaults', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES });
    const envelope = Buffer.from(new ProtobufSerializer().serialize({ anything: 'else' }, ctx('response', 'other')));
    // An envelope Value (field 5, a struct) sent where shop.v1.User is expected: field 5 is the enum `status`.
    expect(() => s.deserialize(envelope, ctx('response'))).toThrow(SerializationError);
    // A GetUser where a User is expected decodes (field 1 is a string in both), but wrong wire types do not:
    const wrongWire = Buffer.from([(4 << 3) | 2, 1, 0x41]); // User.age (uint32, varint) sent as bytes
    expect(() => s.deserialize(wrongWire, ctx('response'))).toThrow(/wire type 2, expected 0/);
    const unknownField = Buffer.from([0x98, 0x06, 1]); // field 99, varint
    expect(() => s.deserialize(unknownField, ctx('response'))).toThrow(/field number 99/);
    const nestedWrong = Buffer.from([(7 << 3) | 2, 2, (1 << 3) | 0, 5]); // Address.city as a varint
    expect(() => s.deserialize(nestedWrong, ctx('response'))).toThrow(/Address.city/);
    // Packed repeated scalars and the empty message (all defaults, a valid encoding) still decode.
    expect(s.deserialize(Buffer.alloc(0), ctx('request'))).toEqual({ userId: '' });
    expect(s.deserialize(Buffer.from(s.serialize(user, ctx('response'))), ctx('response'))).toMatchObject({ id: 'u1', age: 42 });
  });

  it('fails at construction on unknown types or a missing root', () => {
    expect(() => new ProtobufSerializer({ root: protoPath, types: { p: { request: 'shop.v1.Nope' } } })).toThrow(/shop.v1.Nope/);
    expect(() => new ProtobufSerializer({ root: protoPath, types: { p: { request: 'shop.v1.Status' } } })).toThrow(/not a message type/);
    expect(() => new ProtobufSerializer({ types: TYPES })).toThrow(/needs a `root`/);
    expect(() => new ProtobufSerializer({ root: join(dir, 'missing.proto'), types: TYPES })).toThrow();
  });

  it('keeps snake_case names with keepCase', () => {
    const s = new ProtobufSerializer({ root: protoPath, types: TYPES, keepCase: true });
    const back = s.deserialize(Buffer.from(s.serialize({ user_id: 'u9' }, ctx('request'))), ctx('request'));
    expect(back).toEqual({ user_id: 'u9' });
  });
});
