import { messageOf } from '@nestrpc/common';
import { RpcError } from './rpc.error';

/** No connection could be made to the endpoint; the request was never sent. */
export class ConnectionRefusedError extends RpcError {
  readonly code: string = 'CONNECTION_REFUSED';
  override readonly retryable = true;

  constructor(readonly address: string, cause?: unknown) {
    super(`Cannot connect to ${address}${messageOf(cause) === undefined ? '' : `: ${messageOf(cause)}`}`, { cause });
  }
}
