import { ConnectionClosedError, ConnectionRefusedError, HeartbeatTimeoutError, NotConnectedError, RpcError, RpcTimeoutError } from '@nestrpc/transport';

/** The instance's connection failed (not the call's logic): eject it for a while. */
export function isConnectionFailure(error: unknown): boolean {
  return (
    error instanceof ConnectionRefusedError ||
    error instanceof NotConnectedError ||
    error instanceof ConnectionClosedError ||
    error instanceof HeartbeatTimeoutError
  );
}

/**
 * May the call go to another instance? Always when the error says the request was not run
 * (`retryable`: refused, not connected, draining, overloaded...). For idempotent calls also
 * after ambiguous failures: the connection dropped mid-call, or the attempt timed out.
 */
export function isRetrySafe(error: unknown, idempotent: boolean): boolean {
  if (error instanceof RpcError && error.retryable) return true;
  if (!idempotent) return false;
  return error instanceof ConnectionClosedError || error instanceof RpcTimeoutError;
}
