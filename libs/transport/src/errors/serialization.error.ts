import { messageOf } from '@nestrpc/common';
import { RpcError } from './rpc.error';

/** A value could not be encoded or a body could not be decoded by the chosen serializer. */
export class SerializationError extends RpcError {
  readonly code = 'SERIALIZATION_ERROR';

  constructor(serializer: string, direction: 'serialize' | 'deserialize', cause: unknown) {
    super(`${serializer} could not ${direction}: ${messageOf(cause) ?? String(cause)}`, { cause });
  }
}
