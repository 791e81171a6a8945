import { RpcError } from './rpc.error';

/**
 * The connection's outgoing buffer is above `maxWriteBufferBytes`: the peer reads slower than
 * we write. The call was not sent, so it is safe to retry later or elsewhere.
 */
export class WriteBufferFullError extends RpcError {
  readonly code = 'WRITE_BUFFER_FULL';
  override readonly retryable = true;

  constructor(readonly bufferedBytes: number, readonly maxWriteBufferBytes: number) {
    super(`Outgoing buffer holds ${bufferedBytes} bytes, over maxWriteBufferBytes=${maxWriteBufferBytes}`);
  }
}
