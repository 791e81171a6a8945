import { BadMagicError } from '../errors/bad-magic.error';
import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { ProtocolError } from '../errors/protocol.error';
import { UnknownMessageTypeError } from '../errors/unknown-message-type.error';
import { UnknownSerializerError } from '../errors/unknown-serializer.error';
import { UnsupportedVersionError } from '../errors/unsupported-version.error';
import { HEADER_BYTES, HeaderOffset } from './constants';
import { Frame, OutgoingFrame } from './frame';
import { FrameDecoder, FrameDecoderOptions } from './frame-decoder';
import { encodeFrame } from './frame-encoder';
import { FrameFlags } from './frame-flags';
import { MessageType } from './message-type';

const ALL_TYPES = Object.values(MessageType).filter((v): v is MessageType => typeof v === 'number');

/** Plain, comparable view of a decoded frame (copies the body out of the stream). */
const plain = (f: Frame) => ({ type: f.type, serializerId: f.serializerId, flags: f.flags, seq: f.seq, meta: { ...f.meta }, body: f.body && Buffer.from(f.body) });

function decode(chunks: Buffer[], options?: FrameDecoderOptions) {
  const decoder = new FrameDecoder(options);
  const frames: ReturnType<typeof plain>[] = [];
  let error: ProtocolError | undefined;
  for (const chunk of chunks) error = decoder.feed(chunk, (f) => frames.push(plain(f))) ?? error;
  return { decoder, frames, error };
}

function sample(i: number): OutgoingFrame {
  const type = ALL_TYPES[i % ALL_TYPES.length];
  const withBody = i % 3 !== 0;
  return {
    type,
    serializerId: withBody ? 1 + (i % 3) : 0,
    flags: i % 2 === 0 ? FrameFlags.Idempotent : FrameFlags.TransportError,
    seq: (i * 2654435761) >>> 0,
    meta: i % 4 === 0 ? undefined : { pattern: `svc.method.${i}`, timeoutMs: i * 10, headers: { 'x-i': `${i} ✓` } },
    body: withBody ? Buffer.from(`body #${i} `.repeat(i % 7)) : undefined,
  };
}

const streamOf = (count: number) => {
  const frames = Array.from({ length: count }, (_, i) => sample(i));
  const bytes = Buffer.concat(frames.map((f) => encodeFrame(f)));
  const expected = decode([bytes]).frames;
  return { bytes, expected };
};

function header(patch: (h: Buffer) => void): Buffer {
  const h = encodeFrame({ type: MessageType.Ping });
  patch(h);
  return h;
}

describe('FrameDecoder', () => {
  it.each(ALL_TYPES.map((t) => [MessageType[t], t] as const))('round-trips a %s frame', (_, type) => {
    const frame: OutgoingFrame = { type, serializerId: 2, flags: FrameFlags.Idempotent, seq: 77, meta: { pattern: 'p', version: '2' }, body: Buffer.from([1, 2, 3]) };
    const { frames, error } = decode([encodeFrame(frame)]);
    expect(error).toBeUndefined();
    expect(frames).toEqual([{ ...frame, meta: { pattern: 'p', version: '2' }, body: Buffer.from([1, 2, 3]) }]);
  });

  it('tells an absent body (NoBody flag) from a zero-length body', () => {
    const { frames } = decode([encodeFrame({ type: MessageType.Response, seq: 1 }), encodeFrame({ type: MessageType.Response, seq: 2, serializerId: 3, body: Buffer.alloc(0) })]);
    expect(frames[0].body).toBeUndefined();
    expect(frames[0].flags & FrameFlags.NoBody).toBe(FrameFlags.NoBody);
    expect(frames[1].body).toEqual(Buffer.alloc(0));
    expect(frames[1].flags & FrameFlags.NoBody).toBe(0);
  });

  it('refuses a body that names no serializer (id 0)', () => {
    const error = decode([encodeFrame({ type: MessageType.Event, seq: 1, body: Buffer.from('{}') })]).error;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error?.message).toContain('names no serializer');
  });

  it('refuses a NoBody frame that carries a body', () => {
    const bytes = encodeFrame({ type: MessageType.Response, body: Buffer.from('x') });
    bytes[HeaderOffset.Flags] |= FrameFlags.NoBody;
    expect(decode([bytes]).error).toBeInstanceOf(ProtocolError);
  });

  it('decodes many frames from one chunk (sticky packets)', () => {
    const { bytes, expected } = streamOf(200);
    expect(expected).toHaveLength(200);
    expect(decode([bytes]).frames).toEqual(expected);
  });

  it('decodes a stream fed one byte at a time and keeps at most one frame buffered', () => {
    const { bytes, expected } = streamOf(40);
    const decoder = new FrameDecoder();
    const frames: ReturnType<typeof plain>[] = [];
    let maxBuffered = 0;
    for (let i = 0; i < bytes.length; i++) {
      expect(decoder.feed(bytes.subarray(i, i + 1), (f) => frames.push(plain(f)))).toBeUndefined();
      maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
    }
    expect(frames).toEqual(expected);
    expect(decoder.bufferedBytes).toBe(0);
    expect(maxBuffered).toBeLessThan(Math.max(...expected.map((f) => HEADER_BYTES + 200 + (f.body?.length ?? 0))));
  });

  it('decodes every split of a two-frame stream into two chunks (half packets)', () => {
    const { bytes, expected } = streamOf(2);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)]).frames).toEqual(expected);
    }
  });

  it('decodes random chunkings identically', () => {
    const { bytes, expected } = streamOf(60);
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 97) + 1;
    for (let round = 0; round < 50; round++) {
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < bytes.length; ) {
        const size = next();
        chunks.push(bytes.subarray(pos, pos + size));
        pos += size;
      }
      expect(decode(chunks).frames).toEqual(expected);
    }
  });

  it('reassembles one large frame split across many chunks', () => {
    const body = Buffer.alloc(1_000_000, 7);
    const bytes = encodeFrame({ type: MessageType.StreamNext, serializerId: 2, seq: 9, body });
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
    const { frames, error } = decode([Buffer.alloc(0), ...chunks]);
    expect(error).toBeUndefined();
    expect(frames).toHaveLength(1);
    expect(frames[0].body?.equals(body)).toBe(true);
  });

  it('refuses a declared length over maxFrameBytes from the header alone, before buffering the body', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const head = encodeFrame({ type: MessageType.Request, body: Buffer.alloc(2000) }, 1e9).subarray(0, HEADER_BYTES);
    const error = decoder.feed(head, () => undefined);
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect((error as FrameTooLargeError).frameBytes).toBe(2016);
    expect((error as FrameTooLargeError).maxFrameBytes).toBe(1024);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('refuses an oversized frame whose header arrives in pieces after a partial frame', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const head = encodeFrame({ type: MessageType.Request, body: Buffer.alloc(5000) }, 1e9).subarray(0, HEADER_BYTES);
    expect(decoder.feed(head.subarray(0, 10), () => undefined)).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(10);
    expect(decoder.feed(head.subarray(10), () => undefined)).toBeInstanceOf(FrameTooLargeError);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it.each([
    ['bad magic', header((h) => h.writeUInt16BE(0x4854, HeaderOffset.Magic)), BadMagicError],
    ['an unsupported version', header((h) => (h[HeaderOffset.Version] = 2)), UnsupportedVersionError],
    ['an unknown message type', header((h) => (h[HeaderOffset.Type] = 0)), UnknownMessageTypeError],
    ['an unknown message type (12)', header((h) => (h[HeaderOffset.Type] = 12)), UnknownMessageTypeError],
    ['an unknown serializer id', header((h) => (h[HeaderOffset.Serializer] = 9)), UnknownSerializerError],
  ])('fails with the typed error on %s, then stays failed', (_, bytes, type) => {
    const decoder = new FrameDecoder({ knownSerializerIds: [1, 2, 3] });
    const sink = jest.fn();
    const error = decoder.feed(bytes, sink);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(decoder.error).toBe(error);
    expect(decoder.feed(encodeFrame({ type: MessageType.Ping }), sink)).toBe(error);
    expect(sink).not.toHaveBeenCalled();
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('accepts serializer id 0 and any id when knownSerializerIds is not given', () => {
    expect(decode([encodeFrame({ type: MessageType.Ping })], { knownSerializerIds: [1] }).error).toBeUndefined();
    expect(decode([encodeFrame({ type: MessageType.Response, serializerId: 200, body: Buffer.from('x') })]).error).toBeUndefined();
  });

  it('delivers the frames before a bad one, then fails', () => {
    const good = encodeFrame({ type: MessageType.Pong, seq: 1 });
    const { frames, error } = decode([Buffer.concat([good, good, header((h) => (h[HeaderOffset.Version] = 9))])]);
    expect(frames).toHaveLength(2);
    expect(error).toBeInstanceOf(UnsupportedVersionError);
  });

  it('fails on truncated metadata entries inside a well-formed frame', () => {
    const bytes = Buffer.concat([header(() => undefined), Buffer.from([1, 0, 9])]);
    bytes.writeUInt16BE(3, HeaderOffset.MetadataLength);
    bytes[HeaderOffset.Flags] = FrameFlags.NoBody;
    expect(decode([bytes]).error).toBeInstanceOf(ProtocolError);
  });

  it('ignores unknown flag bits', () => {
    const bytes = encodeFrame({ type: MessageType.Event, flags: 0xf0, serializerId: 1, body: Buffer.from('x') });
    expect(decode([bytes]).frames[0].flags).toBe(0xf0);
  });
});
