import { RpcError } from './rpc.error';

/**
 * A stream produced values faster than its caller read them: the connection's write buffer
 * reached `maxWriteBufferBytes`, so the server unsubscribed from the handler's Observable and
 * failed the stream instead of buffering without bound.
 */
export class StreamBackpressureError extends RpcError {
  readonly code = 'STREAM_BACKPRESSURE';

  constructor(pattern: string, readonly bufferedBytes = 0) {
    super(`Stream "${pattern}" failed: the caller does not read fast enough (${bufferedBytes} bytes unread, write buffer full)`);
  }
}
