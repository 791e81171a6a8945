import {
  ConnectionClosedError,
  ConnectionRefusedError,
  HeartbeatTimeoutError,
  NotConnectedError,
  RemoteError,
  RpcError,
  RpcTimeoutError,
  ServerDrainingError,
  ServerOverloadedError,
} from '@nestrpc/transport';

/** The instance's connection failed (not the call's logic): eject it at once, whatever the cap. */
export function isConnectionFailure(error: unknown): boolean {
  return (
    error instanceof ConnectionRefusedError ||
    error instanceof NotConnectedError ||
    error instanceof ConnectionClosedError ||
    error instanceof HeartbeatTimeoutError
  );
}

/**
 * Does this outcome say the instance is unhealthy? Timeouts, dropped connections and
 * overload do. A handler's own error (an `RpcException`, whose payload reaches the caller) or an
 * unknown server error (RemoteError) never does: the instance
 * answered, so it is healthy, however bad the news. Draining is an orderly goodbye, not a fault.
 */
export function isHealthFailure(error: unknown): boolean {
  if (error instanceof RemoteError || error instanceof ServerDrainingError) return false;
  return error instanceof RpcTimeoutError || error instanceof ServerOverloadedError || isConnectionFailure(error);
}

/**
 * The connection to the instance serving this call died of silence (missed heartbeats): the
 * peer is frozen or unreachable, and the call may have run. A timeout, so callers that handle
 * RpcTimeoutError handle it.
 */
export class InstanceUnresponsiveError extends RpcTimeoutError {
  constructor(pattern: string, readonly address: string, silentMs: number, options?: { cause?: unknown }) {
    super(pattern, silentMs);
    this.message = `Call "${pattern}" timed out: instance ${address} stopped answering (nothing heard for ${silentMs} ms); it may have run`;
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause });
  }
}

/** Turns "connection closed because the peer went silent" into the timeout it really is. */
export function clarify(error: unknown, pattern: string, address: string): unknown {
  if (error instanceof ConnectionClosedError && error.cause instanceof HeartbeatTimeoutError) {
    return new InstanceUnresponsiveError(pattern, address, error.cause.silentMs, { cause: error });
  }
  return error;
}

/**
 * May the call go to another instance? Always when the error says the request was not run
 * (`retryable`: refused, not connected, draining, overloaded...). For idempotent calls also
 * after ambiguous failures: the connection dropped mid-call, or the attempt timed out.
 * Never after a handler's own error (its payload is not an RpcError) or a RemoteError.
 */
export function isRetrySafe(error: unknown, idempotent: boolean): boolean {
  if (error instanceof RemoteError) return false;
  if (error instanceof RpcError && error.retryable) return true;
  if (!idempotent) return false;
  return error instanceof ConnectionClosedError || error instanceof RpcTimeoutError;
}
