import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { FRAME_MAGIC, HEADER_BYTES, HeaderOffset, PROTOCOL_VERSION } from './constants';
import { encodeFrame } from './frame-encoder';
import { FrameFlags } from './frame-flags';
import { MessageType } from './message-type';

describe('encodeFrame', () => {
  it('writes the 16-byte big-endian header', () => {
    const out = encodeFrame({ type: MessageType.Request, serializerId: 2, flags: FrameFlags.Idempotent, seq: 0x01020304, meta: { pattern: 'p' }, body: Buffer.from('xyz') });
    expect(out.readUInt16BE(HeaderOffset.Magic)).toBe(FRAME_MAGIC);
    expect(out[HeaderOffset.Version]).toBe(PROTOCOL_VERSION);
    expect(out[HeaderOffset.Type]).toBe(MessageType.Request);
    expect(out[HeaderOffset.Serializer]).toBe(2);
    expect(out[HeaderOffset.Flags]).toBe(FrameFlags.Idempotent);
    expect(out.readUInt16BE(HeaderOffset.MetadataLength)).toBe(4);
    expect(out.readUInt32BE(HeaderOffset.Sequence)).toBe(0x01020304);
    expect(out.readUInt32BE(HeaderOffset.BodyLength)).toBe(3);
    expect(out.length).toBe(HEADER_BYTES + 4 + 3);
    expect(out.subarray(HEADER_BYTES + 4).toString()).toBe('xyz');
  });

  it('sets NoBody exactly when the body is absent, whatever flags the caller passed', () => {
    expect(encodeFrame({ type: MessageType.Ping })[HeaderOffset.Flags]).toBe(FrameFlags.NoBody);
    expect(encodeFrame({ type: MessageType.Response, flags: FrameFlags.NoBody, body: Buffer.alloc(0) })[HeaderOffset.Flags]).toBe(0);
    const flagged = encodeFrame({ type: MessageType.Error, flags: FrameFlags.TransportError | FrameFlags.NoBody, body: Buffer.from('x') });
    expect(flagged[HeaderOffset.Flags]).toBe(FrameFlags.TransportError);
  });

  it('copies a Uint8Array body that is a view into a larger buffer', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const out = encodeFrame({ type: MessageType.Response, body: backing.subarray(1, 4) });
    expect([...out.subarray(HEADER_BYTES)]).toEqual([1, 2, 3]);
  });

  it('wraps the sequence id to u32', () => {
    expect(encodeFrame({ type: MessageType.Cancel, seq: 2 ** 32 + 5 }).readUInt32BE(HeaderOffset.Sequence)).toBe(5);
    expect(encodeFrame({ type: MessageType.Cancel, seq: -1 }).readUInt32BE(HeaderOffset.Sequence)).toBe(0xffffffff);
  });

  it('refuses frames over maxFrameBytes before allocating, and accepts exactly the limit', () => {
    const body = Buffer.alloc(100);
    expect(encodeFrame({ type: MessageType.Response, body }, HEADER_BYTES + 100).length).toBe(HEADER_BYTES + 100);
    const call = () => encodeFrame({ type: MessageType.Response, body }, HEADER_BYTES + 99);
    expect(call).toThrow(FrameTooLargeError);
    expect(call).toThrow('Frame of 116 bytes exceeds the limit of 115 bytes');
  });

  it('refuses metadata over 65535 bytes', () => {
    const headers = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`h${i}`, 'v'.repeat(250)]));
    expect(() => encodeFrame({ type: MessageType.Request, meta: { headers } })).toThrow(FrameTooLargeError);
  });
});

describe('encodeFrame with a text body', () => {
  it('writes the UTF-8 bytes of a string body exactly as the equivalent buffer', () => {
    const text = '{"name":"héllo 👋"}';
    const fromText = encodeFrame({ type: MessageType.Request, seq: 7, serializerId: 1, meta: { pattern: 'p' }, body: text });
    const fromBytes = encodeFrame({ type: MessageType.Request, seq: 7, serializerId: 1, meta: { pattern: 'p' }, body: Buffer.from(text, 'utf8') });
    expect(fromText.equals(fromBytes)).toBe(true);
  });
});
