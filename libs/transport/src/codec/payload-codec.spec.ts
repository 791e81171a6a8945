import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { SerializationError } from '../errors/serialization.error';
import { FrameDecoder } from '../protocol/frame-decoder';
import { Frame } from '../protocol/frame';
import { MessageType } from '../protocol/message-type';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import { PayloadCodec } from './payload-codec';

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
