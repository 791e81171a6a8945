import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { SerializationError } from '../errors/serialization.error';
import { FrameDecoder } from '../protocol/frame-decoder';
import { Frame } from '../protocol/frame';
import { MessageType } from '../protocol/message-type';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import { PayloadCodec } from './payload-codec';
import { ARENA_MIN_FRAME_BYTES, FrameArena } from '../connection/frame-arena';
import { encodeFrame } from '../protocol/frame-encoder';
import { MsgpackSerializer } from '../serializers/msgpack.serializer';

function decodeOne(bytes: Buffer): Frame {
  let out: Frame | undefined;
  new FrameDecoder().feed(bytes, (frame) => (out = frame));
  return out!;
}

describe('PayloadCodec', () => {
  const registry = new SerializerRegistry(DEFAULT_SERIALIZERS);
  const json = registry.use('json');
  const msgpack = registry.use('msgpack');

  it('round-trips a value through any registered serializer, and undefined as "no body"', () => {
    const codec = new PayloadCodec(registry);
    for (const serializer of [json, msgpack]) {
      const frame = decodeOne(codec.encode(serializer, { type: MessageType.Request, seq: 4, meta: { pattern: 'p' }, value: { a: [1, 2] }, kind: 'request', pattern: 'p' }));
      expect(frame).toMatchObject({ type: MessageType.Request, seq: 4, serializerId: serializer.id, meta: { pattern: 'p' } });
      expect(codec.decode(frame, 'p', 'request')).toEqual({ a: [1, 2] });
    }
    const empty = decodeOne(codec.encode(json, { type: MessageType.Response, seq: 1, value: undefined, kind: 'response', pattern: 'p' }));
    expect(empty.body).toBeUndefined();
    expect(codec.decode(empty, 'p', 'response')).toBeUndefined();
  });

  it('lets msgpack serialize into the frame itself: the same bytes as header + copied body, frames kept intact', () => {
    const codec = new PayloadCodec(registry);
    const headroom = jest.spyOn(msgpack as MsgpackSerializer, 'serializeWithHeadroom');
    const metas = [undefined, { pattern: 'p', timeoutMs: 250, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }];
    const frames: [Buffer, Buffer][] = [];
    for (let seq = 1; seq <= 2_000; seq++) {
      const meta = metas[seq % 2];
      const value = { seq, text: 'x'.repeat(seq % 50 === 0 ? 20_000 : seq % 97) };
      const expected = encodeFrame({ type: MessageType.Request, seq, flags: 0, meta, serializerId: msgpack.id, body: (msgpack as MsgpackSerializer).serialize(value) });
      frames.push([codec.encode(msgpack, { type: MessageType.Request, seq, flags: 0, meta, value, kind: 'request', pattern: 'p' }), expected]);
    }
    expect(headroom).toHaveBeenCalledTimes(2_000);
    headroom.mockRestore();
    // Every frame is still what it was when encoded: msgpackr never writes over a buffer it handed out.
    for (const [actual, expected] of frames) expect(actual.equals(expected)).toBe(true);
    expect(codec.decode(decodeOne(frames[49][0]), 'p', 'request')).toEqual({ seq: 50, text: 'x'.repeat(20_000) });
  });

  it('encodes a JSON frame Node would not pool (≥ 4 KiB) into the frame arena, a smaller one into Node\'s pool', () => {
    const codec = new PayloadCodec(registry);
    const encode = (value: string): Buffer => codec.encode(json, { type: MessageType.Response, seq: 9, value, kind: 'response', pattern: 'p' });
    const large = encode('x'.repeat(16 * 1024));
    expect(FrameArena.owns(large)).toBe(true);
    expect(large.length).toBeGreaterThanOrEqual(ARENA_MIN_FRAME_BYTES);
    const small = encode('x'.repeat(1000));
    expect(FrameArena.owns(small)).toBe(false);
    // Both frames whole, and the small one did not land inside the large one's bytes.
    expect(json.deserialize(decodeOne(large).body!, { pattern: 'p', kind: 'response' })).toBe('x'.repeat(16 * 1024));
    expect(json.deserialize(decodeOne(small).body!, { pattern: 'p', kind: 'response' })).toBe('x'.repeat(1000));
    expect(decodeOne(large).seq).toBe(9);
  });

  it('falls back to a copied body when the header needs more room than msgpack can leave, and checks the size either way', () => {
    const codec = new PayloadCodec(registry);
    const meta = { pattern: 'p', headers: { big: 'h'.repeat(300) } };
    const frame = decodeOne(codec.encode(msgpack, { type: MessageType.Request, seq: 9, meta, value: [1, 2, 3], kind: 'request', pattern: 'p' }));
    expect(frame.meta.headers).toEqual({ big: 'h'.repeat(300) });
    expect(codec.decode(frame, 'p', 'request')).toEqual([1, 2, 3]);
    const small = new PayloadCodec(registry, 1_024);
    expect(() => small.encode(msgpack, { type: MessageType.Response, seq: 1, value: 'y'.repeat(2_000), kind: 'response', pattern: 'p' })).toThrow(FrameTooLargeError);
  });

  it('wraps serializer failures as SerializationError, both ways', () => {
    const codec = new PayloadCodec(registry);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => codec.encode(json, { type: MessageType.Request, seq: 1, value: cyclic, kind: 'request', pattern: 'p' })).toThrow(SerializationError);
    const bad = decodeOne(codec.encode(json, { type: MessageType.Response, seq: 1, value: 1, kind: 'response', pattern: 'p' }));
    bad.body = Buffer.from('{not json');
    expect(() => codec.decode(bad, 'p', 'response')).toThrow(SerializationError);
  });

  it('checks the size before anything is queued', () => {
    const codec = new PayloadCodec(registry, 1024);
    expect(() => codec.encode(json, { type: MessageType.Response, seq: 1, value: 'x'.repeat(2048), kind: 'response', pattern: 'p' })).toThrow(FrameTooLargeError);
  });
});
