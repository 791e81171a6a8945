import { RpcError } from './rpc.error';

/**
 * The handler ran but its answer was dropped: the caller's connection already held
 * `maxWriteBufferBytes` unread (or the server its `maxServerWriteBufferBytes`). Not retryable
 * blindly: the call did run.
 */
export class ResponseDroppedError extends RpcError {
  readonly code = 'RESPONSE_DROPPED';

  constructor(pattern: string, detail = 'the connection is not reading its answers (write buffer full)') {
    super(`Answer to "${pattern}" dropped: ${detail}`);
  }
}
