import { ConnectionClosedError } from './connection-closed.error';

/**
 * The server closed (or its drain timed out) while this call was running there: the request
 * ran, at least partly, and its handler's abort signal fired. Not retryable unless the call is
 * idempotent (cluster clients check). Calls the server never started fail instead with
 * retryable ServerDrainingError.
 */
export class ServerClosedError extends ConnectionClosedError {
  override readonly code = 'SERVER_CLOSED';
  /** Always true: the server had started the request. */
  readonly ran = true;
  constructor(address: string) {
    super(`${address} shut down while the call was running (the request ran; its handler was aborted)`, { written: true });
  }
}
