import { RpcError } from './rpc.error';

/**
 * The connection dropped (or was closed) while the call was pending. Whether the server ran
 * the call is unknown, so it is only retryable when the request never left this process.
 */
export class ConnectionClosedError extends RpcError {
  readonly code: string = 'CONNECTION_CLOSED';
  override readonly retryable: boolean;
  /** Why, without the "Connection closed: " prefix: wrapping one close reason in another never doubles it. */
  readonly reason: string;

  constructor(reason: string, options: { cause?: unknown; written?: boolean } = {}) {
    super(`Connection closed: ${reason}`, { cause: options.cause });
    this.reason = reason;
    this.retryable = options.written === false;
  }
}
