import { messageOf } from '@nestrpc/common';
import { RpcError } from './rpc.error';

/** The client is closed, or waiting to reconnect after a failure; the call was not sent. */
export class NotConnectedError extends RpcError {
  readonly code = 'NOT_CONNECTED';
  override readonly retryable = true;

  constructor(readonly address: string, cause?: unknown) {
    super(`Not connected to ${address}${messageOf(cause) === undefined ? '' : ` (last error: ${messageOf(cause)})`}`, { cause });
  }
}
