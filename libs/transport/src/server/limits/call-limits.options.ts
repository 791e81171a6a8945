import type { RpcContext } from '../rpc.context';

/** A token bucket: `perSecond` calls on average, bursts of up to `burst` (default: `perSecond`, at least 1). */
export interface RateLimit {
  perSecond: number;
  burst?: number;
}

/** Limits of one pattern (`Service.method` for `@RpcService` methods). */
export interface MethodLimits {
  /** Calls of this pattern running at once. Default: no limit. */
  maxConcurrent?: number;
  /** Calls of this pattern admitted, over all callers. */
  rate?: RateLimit;
  /** Calls of this pattern admitted per caller (see `callerKey`). */
  perCaller?: RateLimit;
}

/**
 * Who is calling, for per-caller rate limits. Called once per call that a per-caller limit
 * applies to, before the handler runs. Default: the peer's address without its port
 * (`defaultCallerKey`), so every connection of one host shares one bucket.
 */
export type CallerKey = (context: RpcContext) => string;

/**
 * Overload protection (`RpcServerOptions.limits`). A call over any limit is refused before its
 * handler runs, with a retryable ServerOverloadedError (`reason` 'concurrency' or 'rate_limit').
 * Everything is off by default.
 */
export interface RpcServerLimits {
  /** Calls running at once over the whole server. Default: no limit (each connection still has `maxInFlightPerConnection`). */
  maxConcurrentCalls?: number;
  /** Calls admitted per caller, over all patterns. */
  perCaller?: RateLimit;
  /** Limits by pattern; `@RpcService(..., { limits })` adds to these (these win). */
  methods?: Record<string, MethodLimits>;
  /** Default `defaultCallerKey` (peer address). */
  callerKey?: CallerKey;
  /**
   * Per-caller buckets kept at most (least recently used dropped first; a full bucket is dropped
   * for free, since a new one starts full). Default 10 000 (about 1.5 MB at most).
   */
  maxTrackedCallers?: number;
}
