import { RpcError } from './rpc.error';

/** The server is shutting down and did not start this call: safe to send elsewhere. */
export class ServerDrainingError extends RpcError {
  readonly code = 'DRAINING';
  override readonly retryable = true;

  constructor(address = 'server') {
    super(`${address} is draining (shutting down) and refused the call`);
  }
}
