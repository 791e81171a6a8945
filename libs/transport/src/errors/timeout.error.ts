import { RpcError } from './rpc.error';

/** The call's deadline passed before a (complete) answer arrived. A cancel frame was sent. */
export class RpcTimeoutError extends RpcError {
  readonly code = 'TIMEOUT';

  constructor(readonly pattern: string, readonly timeoutMs: number) {
    super(`Call "${pattern}" timed out after ${timeoutMs} ms`);
  }
}
