import { UnknownSerializerError } from '../errors/unknown-serializer.error';
import { PluggableRegistry, PluggableSpec } from '@nestrpc/common';
import { JsonSerializer } from './json.serializer';
import { MsgpackSerializer } from './msgpack.serializer';
import { ProtobufSerializer } from './protobuf.serializer';
import { Serializer } from './serializer';

/** How a serializer is named in options: a registered name, an instance, a class, or `{ type, options }`. */
export type SerializerLike = PluggableSpec<Serializer>;

/**
 * The serializer names every endpoint of this process understands in options ('json',
 * 'msgpack', 'protobuf' built in). Register your own with `serializers.register('cbor', CborSerializer)`;
 * its wire id must be unique (≥ FIRST_CUSTOM_SERIALIZER_ID).
 */
export const serializers = new PluggableRegistry<Serializer>(
  'serializer',
  (value): value is Serializer => value instanceof Serializer,
  (name, known) => new UnknownSerializerError(name, known),
)
  .register('json', JsonSerializer)
  .register('msgpack', MsgpackSerializer)
  .register('protobuf', ProtobufSerializer);
