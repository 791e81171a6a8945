import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { ProtocolError } from '../errors/protocol.error';
import { FrameMetadata } from './frame';
import { decodeMetadata, encodeMetadata, MetaTag } from './metadata.codec';

const roundTrip = (meta: FrameMetadata): FrameMetadata => {
  const bytes = encodeMetadata(meta);
  return decodeMetadata(bytes, 0, bytes.length);
};

function entry(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head[0] = tag;
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

describe('metadata codec', () => {
  it('round-trips every field, with unicode', () => {
    const meta: FrameMetadata = {
      pattern: '{"cmd":"sum","v":"ü"}',
      timeoutMs: 30_000,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=opaque',
      version: '^2.1.0',
      headers: { 'x-user': '山田 🍣', 'ключ': 'значение', empty: '' },
    };
    expect(roundTrip(meta)).toEqual(meta);
  });

  it('encodes nothing for undefined or empty metadata', () => {
    expect(encodeMetadata(undefined).length).toBe(0);
    expect(encodeMetadata({}).length).toBe(0);
    expect(decodeMetadata(Buffer.alloc(0), 0, 0)).toEqual({});
  });

  it('rounds the timeout up and clamps it to u32', () => {
    expect(roundTrip({ timeoutMs: 1.2 }).timeoutMs).toBe(2);
    expect(roundTrip({ timeoutMs: -5 }).timeoutMs).toBe(0);
    expect(roundTrip({ timeoutMs: Infinity }).timeoutMs).toBe(0xffffffff);
  });

  it('lays entries out as tag:u8 length:u16be value', () => {
    expect(encodeMetadata({ pattern: 'a' })).toEqual(Buffer.from([MetaTag.Pattern, 0, 1, 0x61]));
    expect(encodeMetadata({ timeoutMs: 258 })).toEqual(Buffer.from([MetaTag.TimeoutMs, 0, 4, 0, 0, 1, 2]));
    expect(encodeMetadata({ headers: { k: 'v' } })).toEqual(Buffer.from([MetaTag.Header, 0, 3, 1, 0x6b, 0x76]));
  });

  it('skips unknown tags, including ones after known entries', () => {
    const bytes = Buffer.concat([entry(200, Buffer.from('future')), encodeMetadata({ pattern: 'p' }), entry(99, Buffer.alloc(0))]);
    expect(decodeMetadata(bytes, 0, bytes.length)).toEqual({ pattern: 'p' });
  });

  it('round-trips the handshake credential (tag 7); a peer that predates it skips the entry', () => {
    const bytes = encodeMetadata({ credential: 'tøken' });
    expect(bytes[0]).toBe(MetaTag.Credential);
    expect(decodeMetadata(bytes, 0, bytes.length)).toEqual({ credential: 'tøken' });
  });

  it('decodes only the given range of a larger buffer', () => {
    const meta = encodeMetadata({ version: '1' });
    const bytes = Buffer.concat([Buffer.from([9, 9]), meta, Buffer.from([9])]);
    expect(decodeMetadata(bytes, 2, 2 + meta.length)).toEqual({ version: '1' });
  });

  it.each([
    ['a truncated entry header', Buffer.from([1, 0])],
    ['a value overrunning the section', Buffer.from([1, 0, 5, 0x61])],
    ['a timeout that is not 4 bytes', entry(MetaTag.TimeoutMs, Buffer.from([1, 2]))],
    ['an empty header entry', entry(MetaTag.Header, Buffer.alloc(0))],
    ['a header name overrunning its entry', entry(MetaTag.Header, Buffer.from([5, 0x61]))],
  ])('throws ProtocolError on %s', (_, bytes) => {
    expect(() => decodeMetadata(bytes, 0, bytes.length)).toThrow(ProtocolError);
  });

  it('refuses header names that are empty or longer than 255 bytes', () => {
    expect(() => encodeMetadata({ headers: { '': 'v' } })).toThrow(ProtocolError);
    expect(() => encodeMetadata({ headers: { ['é'.repeat(128)]: 'v' } })).toThrow(/1..255 UTF-8 bytes, got 256/);
    expect(roundTrip({ headers: { ['k'.repeat(255)]: 'v' } }).headers).toEqual({ ['k'.repeat(255)]: 'v' });
  });

  it('refuses an entry over 65535 bytes and metadata over 65535 bytes in total', () => {
    expect(() => encodeMetadata({ pattern: 'x'.repeat(65_536) })).toThrow(FrameTooLargeError);
    expect(encodeMetadata({ pattern: 'x'.repeat(65_532) }).length).toBe(65_535);
    expect(() => encodeMetadata({ pattern: 'x'.repeat(65_533) })).toThrow('Metadata of 65536 bytes exceeds the limit of 65535 bytes');
  });

  it('decodes a "__proto__" header as a plain key', () => {
    const headers = roundTrip({ headers: JSON.parse('{"__proto__":"x"}') }).headers as Record<string, string>;
    expect(Object.keys(headers)).toEqual(['__proto__']);
    expect(headers['__proto__']).toBe('x');
  });
});
