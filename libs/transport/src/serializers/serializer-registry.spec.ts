import { UnknownSerializerError } from '../errors/unknown-serializer.error';
import { FIRST_CUSTOM_SERIALIZER_ID } from './constants';
import { JsonSerializer } from './json.serializer';
import { MsgpackSerializer } from './msgpack.serializer';
import { ProtobufSerializer } from './protobuf.serializer';
import { Serializer } from './serializer';
import { SerializerRegistry } from './serializer-registry';

class Utf8TextSerializer extends Serializer {
  readonly id: number = FIRST_CUSTOM_SERIALIZER_ID;
  readonly name = 'text';
  constructor(readonly options: { upper?: boolean } = {}) {
    super();
  }
  serialize(value: unknown): Uint8Array {
    const text = String(value);
    return Buffer.from(this.options.upper ? text.toUpperCase() : text, 'utf8');
  }
  deserialize(body: Buffer): unknown {
    return body.toString('utf8');
  }
}

describe('SerializerRegistry', () => {
  it('knows json, msgpack and protobuf by default, by id and by name', () => {
    const registry = new SerializerRegistry();
    expect(registry.ids()).toEqual([1, 2, 3]);
    expect(registry.names()).toEqual(['json', 'msgpack', 'protobuf']);
    expect(registry.get(1)).toBeInstanceOf(JsonSerializer);
    expect(registry.get(2)).toBeInstanceOf(MsgpackSerializer);
    expect(registry.get(3)).toBeInstanceOf(ProtobufSerializer);
    expect(registry.use('msgpack')).toBe(registry.get(2));
    expect(registry.has(3)).toBe(true);
    expect(registry.has(16)).toBe(false);
  });

  it('resolves a class, an instance and { type, options } with a class or a built-in name', () => {
    const instance = new Utf8TextSerializer();
    expect(SerializerRegistry.resolve(instance)).toBe(instance);
    expect(SerializerRegistry.resolve(Utf8TextSerializer)).toBeInstanceOf(Utf8TextSerializer);
    const configured = SerializerRegistry.resolve({ type: Utf8TextSerializer, options: { upper: true } });
    expect(Buffer.from(configured.serialize('hi', { pattern: 'p', kind: 'request' })).toString()).toBe('HI');
    const packr = SerializerRegistry.resolve({ type: 'msgpack', options: { useRecords: true } });
    expect(packr).toBeInstanceOf(MsgpackSerializer);
  });

  it('registers a custom serializer next to the built-ins', () => {
    const registry = new SerializerRegistry(['json', Utf8TextSerializer]);
    expect(registry.ids()).toEqual([1, 16]);
    expect(registry.get(16).deserialize(Buffer.from('ok'), { pattern: 'p', kind: 'response' })).toBe('ok');
  });

  it('throws UnknownSerializerError for unknown ids and names, listing the known ones', () => {
    const registry = new SerializerRegistry(['json']);
    expect(() => registry.get(2)).toThrow(UnknownSerializerError);
    expect(() => registry.get(2)).toThrow('(known: 1)');
    expect(() => registry.use('avro')).toThrow(UnknownSerializerError);
    expect(() => new SerializerRegistry(['yaml'])).toThrow('Unknown serializer "yaml" (known: "json", "msgpack", "protobuf")');
  });

  it('refuses an id taken by another name and ids outside 1..255', () => {
    class Clash extends Utf8TextSerializer {
      override readonly id = 1;
    }
    expect(() => new SerializerRegistry(['json', Clash])).toThrow('Serializer id 1 is taken by "json", cannot add "text"');
    class Zero extends Utf8TextSerializer {
      override readonly id = 0;
    }
    class TooBig extends Utf8TextSerializer {
      override readonly id = 256;
    }
    expect(() => new SerializerRegistry([Zero])).toThrow(RangeError);
    expect(() => new SerializerRegistry([TooBig])).toThrow(RangeError);
  });

  it('replaces a serializer registered again under the same id and name', () => {
    const registry = new SerializerRegistry(['json']);
    const replacement = new JsonSerializer();
    registry.add(replacement);
    expect(registry.get(1)).toBe(replacement);
    expect(registry.ids()).toEqual([1]);
  });
});
