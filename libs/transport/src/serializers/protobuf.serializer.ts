import { PROTOBUF_SERIALIZER_ID } from './constants';
import { Serializer } from './serializer';

// Placeholder replaced by the protobuf implementation (helper in progress).
export class ProtobufSerializer extends Serializer {
  readonly id = PROTOBUF_SERIALIZER_ID;
  readonly name = 'protobuf';
  serialize(): Uint8Array {
    throw new Error('not implemented');
  }
  deserialize(): unknown {
    throw new Error('not implemented');
  }
}
