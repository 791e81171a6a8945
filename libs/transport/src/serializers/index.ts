export * from './constants';
export * from './serializer';
export * from './json.serializer';
export * from './msgpack.serializer';
export * from './protobuf-envelope.schema';
export * from './protobuf.serializer';
export * from './serializer-registry';
