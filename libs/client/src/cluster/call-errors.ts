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
 * overload (a concurrency limit, in-flight or write-buffer bound) do. A handler's own error (an
 * `RpcException`, whose payload reaches the caller) or an unknown server error (RemoteError)
 * never does: the instance answered, so it is healthy, however bad the news. Draining is an
 * orderly goodbye, not a fault. A rate limit (`reason: 'rate_limit'`) is the server metering
 * this caller, at once and on purpose: the instance is fine, so it is retried elsewhere
 * (retryable) but never ejects the instance.
 */
export function isHealthFailure(error: unknown): boolean {
  if (error instanceof RemoteError || error instanceof ServerDrainingError) return false;
  if (error instanceof ServerOverloadedError) return error.reason !== 'rate_limit';
  return error instanceof RpcTimeoutError || isConnectionFailure(error);
}

/**
 * What the per-service circuit breaker counts as a failure: a logical call (after failover
 * tried the other instances) that ended in a health failure, i.e. the whole service is failing,
 * not one instance (outlier ejection handles those). NoProvidersError is not one: it already
 * fails fast, and counting it would hold the circuit open after the first provider appears.
 */
export function isServiceFailure(error: unknown): boolean {
  return isHealthFailure(error);
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
