import { RpcError } from './rpc.error';

/**
 * The server already holds `maxPendingFrameBytes` of unfinished frames over all connections;
 * the connection whose frame would take it over is closed. Retryable: nothing of it ran.
 */
export class PendingFramesLimitError extends RpcError {
  readonly code = 'PENDING_FRAMES_LIMIT';
  override readonly retryable = true;

  constructor(readonly heldBytes: number, readonly maxPendingFrameBytes: number) {
    super(`Unfinished frames would hold ${heldBytes} bytes server-wide, over maxPendingFrameBytes=${maxPendingFrameBytes}`);
  }
}
