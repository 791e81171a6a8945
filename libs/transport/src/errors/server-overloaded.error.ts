import { RpcError } from './rpc.error';

/** The server refused the call without running it (in-flight limit reached): safe to retry. */
export class ServerOverloadedError extends RpcError {
  readonly code = 'OVERLOADED';
  override readonly retryable = true;
}
