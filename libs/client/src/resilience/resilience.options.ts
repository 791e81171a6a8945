import type { Observable } from 'rxjs';

/** Per-service concurrency limit of a consumer (bulkhead): calls beyond it wait in a bounded queue, then are refused. */
export interface BulkheadOptions {
  /** Calls of this service running at once (every attempt and retry of a call counts as one). */
  maxConcurrent: number;
  /** Calls waiting for a slot; more are refused with BulkheadRejectedError. Default 0. */
  maxQueued?: number;
}

/**
 * Per-service circuit breaker: after enough failed calls it opens and refuses calls at once
 * (CircuitOpenError, no network I/O); after `halfOpenAfterMs` one probe call goes through, and
 * its outcome closes or re-opens it. A failure is a logical call (after failover over the
 * instances) that ended in a health failure: timeout, lost connection, overload. Domain errors,
 * rate limits and "no provider registered" are not failures.
 */
export interface CircuitBreakerOptions {
  /** Open after this many failed calls in a row. Default 5 (ignored when `failureRatio` is set). */
  consecutiveFailures?: number;
  /** Open when more than this fraction (0–1] of the last `windowCalls` calls failed... */
  failureRatio?: number;
  /** ...counted over this many calls. Default 20. */
  windowCalls?: number;
  /** ...once at least this many were made. Default `windowCalls`. */
  minimumCalls?: number;
  /** How long it stays open before letting a probe through. Default 10 000 ms. */
  halfOpenAfterMs?: number;
}

/**
 * A method's fallback, called with the error the call ended with and the call's arguments (the
 * array for typed proxies, the payload for `send()`); what it returns (a value, a Promise or an
 * Observable) is the answer. Throw to fail the call after all.
 */
export type RpcFallback<T = unknown> = (error: unknown, args: unknown) => T | PromiseLike<T> | Observable<T>;
