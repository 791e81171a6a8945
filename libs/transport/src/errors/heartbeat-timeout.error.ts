import { RpcError } from './rpc.error';

/** Nothing was heard from the peer for the whole heartbeat window; the connection is dead. */
export class HeartbeatTimeoutError extends RpcError {
  readonly code = 'HEARTBEAT_TIMEOUT';

  constructor(readonly silentMs: number) {
    super(`No frame from the peer for ${silentMs} ms (missed heartbeats)`);
  }
}
