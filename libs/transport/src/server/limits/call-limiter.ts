import { ServerOverloadedError } from '../../errors/server-overloaded.error';
import { DEFAULT_MAX_TRACKED_CALLERS } from '../constants';
import type { RpcContext } from '../rpc.context';
import { BoundedBuckets, TrackedBucket } from './bounded-buckets';
import { CallerCache } from './caller-cache';
import { CallerKey, MethodLimits, RateLimit, RpcServerLimits } from './call-limits.options';
import { defaultCallerKey } from './caller-key';
import { TokenBucket } from './token-bucket';

/** An admitted call holds one; released once when the call settles. */
export interface CallPermit {
  release(): void;
}

/** One pattern's running count and shared bucket. */
class MethodGate implements CallPermit {
  active = 0;
  maxConcurrent = 0;
  bucket: TokenBucket | undefined;
  perCaller: Required<RateLimit> | undefined;

  constructor(
    private readonly limiter: CallLimiter,
    readonly pattern: string,
  ) {}

  /** Replaces the limits in place: permits already out still release this gate. */
  configure(limits: MethodLimits, now: number): void {
    const pattern = this.pattern;
    this.maxConcurrent = positiveOrZero(limits.maxConcurrent, `limits.methods["${pattern}"].maxConcurrent`);
    const rate = limits.rate === undefined ? undefined : rateOf(limits.rate, `limits.methods["${pattern}"].rate`);
    this.bucket = rate === undefined ? undefined : new TokenBucket(rate.perSecond, rate.burst, now);
    this.perCaller = limits.perCaller === undefined ? undefined : rateOf(limits.perCaller, `limits.methods["${pattern}"].perCaller`);
  }

  release(): void {
    this.active--;
    this.limiter.released();
  }
}

/**
 * The server's overload gate: a global and per-pattern concurrency limit, and token buckets per
 * pattern and per caller. `admit()` runs before the handler (and before the body is decoded);
 * nothing is taken unless every limit admits the call. Absent (no cost on the call path) unless
 * some limit is configured.
 */
export class CallLimiter {
  private active = 0;
  private readonly maxConcurrent: number;
  private readonly perCaller: Required<RateLimit> | undefined;
  private readonly callerKey: CallerKey;
  private readonly gates = new Map<string, MethodGate>();
  /** Per-caller buckets (global and per pattern), bounded by `maxTrackedCallers`. */
  readonly callers: BoundedBuckets;
  private readonly globalPermit: CallPermit = { release: () => this.released() };

  constructor(
    limits: RpcServerLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.maxConcurrent = positiveOrZero(limits.maxConcurrentCalls, 'limits.maxConcurrentCalls');
    this.perCaller = limits.perCaller === undefined ? undefined : rateOf(limits.perCaller, 'limits.perCaller');
    this.callerKey = limits.callerKey ?? defaultCallerKey;
    const maxCallers = limits.maxTrackedCallers ?? DEFAULT_MAX_TRACKED_CALLERS;
    if (!Number.isInteger(maxCallers) || maxCallers < 1) throw new TypeError(`limits.maxTrackedCallers must be an integer ≥ 1, got ${maxCallers}`);
    this.callers = new BoundedBuckets(maxCallers);
    for (const [pattern, method] of Object.entries(limits.methods ?? {})) this.setMethodLimits(pattern, method);
  }

  /** A limiter when `limits` sets anything, else undefined: no cost on the call path. */
  static create(limits: RpcServerLimits | undefined): CallLimiter | undefined {
    if (limits === undefined) return undefined;
    const any = limits.maxConcurrentCalls !== undefined || limits.perCaller !== undefined || Object.keys(limits.methods ?? {}).length > 0;
    return any ? new CallLimiter(limits) : undefined;
  }

  /** Calls admitted and not yet released. */
  get activeCalls(): number {
    return this.active;
  }

  hasMethodLimits(pattern: string): boolean {
    return this.gates.has(pattern);
  }

  setMethodLimits(pattern: string, limits: MethodLimits): void {
    const gate = this.gates.get(pattern) ?? new MethodGate(this, pattern);
    gate.configure(limits, this.now());
    this.gates.set(pattern, gate);
  }

  /**
   * A permit, or the typed refusal to send back. Takes nothing when it refuses. `cache` is the
   * connection's (one per connection: it remembers the caller key and buckets for its next call);
   * without one every lookup is done afresh.
   */
  admit(pattern: string, context: RpcContext, cache: CallerCache = new CallerCache()): CallPermit | ServerOverloadedError {
    const gate = this.gates.get(pattern);
    if (this.maxConcurrent > 0 && this.active >= this.maxConcurrent) {
      return new ServerOverloadedError(`${this.maxConcurrent} calls already running on this server (limits.maxConcurrentCalls)`, { reason: 'concurrency' });
    }
    if (gate !== undefined && gate.maxConcurrent > 0 && gate.active >= gate.maxConcurrent) {
      return new ServerOverloadedError(`${gate.maxConcurrent} calls of "${pattern}" already running (limits.methods["${pattern}"].maxConcurrent)`, { reason: 'concurrency' });
    }
    if (gate?.bucket !== undefined || this.perCaller !== undefined || gate?.perCaller !== undefined) {
      const refused = this.takeTokens(pattern, gate, context, cache);
      if (refused !== undefined) return refused;
    }
    this.active++;
    if (gate === undefined) return this.globalPermit;
    gate.active++;
    return gate;
  }

  /**
   * Takes a token from every bucket that applies, or none: a bucket is taken from as soon as it
   * is fetched (so fetching the next one can never retire it as "full"), and given back when a
   * later one refuses.
   */
  private takeTokens(pattern: string, gate: MethodGate | undefined, context: RpcContext, cache: CallerCache): ServerOverloadedError | undefined {
    const now = this.now();
    const shared = gate?.bucket;
    if (shared !== undefined && !shared.tryTake(now)) return rateLimited(`"${pattern}"`, shared, now);
    const perCallerOfGate = gate?.perCaller;
    if (this.perCaller === undefined && perCallerOfGate === undefined) return undefined;
    const key = this.keyOf(context, cache);
    cache.select(this.callers, key);
    let caller: TokenBucket | undefined;
    if (this.perCaller !== undefined) {
      caller = this.callerBucket(cache, key, now, this.perCaller);
      if (!caller.tryTake(now)) {
        shared?.refund();
        return rateLimited(`caller ${key}`, caller, now);
      }
    }
    if (gate !== undefined && perCallerOfGate !== undefined) {
      const callerOfMethod = this.callerOfMethodBucket(cache, gate, key, now, perCallerOfGate);
      if (!callerOfMethod.tryTake(now)) {
        shared?.refund();
        caller?.refund();
        return rateLimited(`caller ${key} on "${pattern}"`, callerOfMethod, now);
      }
    }
    return undefined;
  }

  /** The caller's bucket over all patterns: the connection's cached one while the map still holds it. */
  private callerBucket(cache: CallerCache, key: string, now: number, rate: Required<RateLimit>): TrackedBucket {
    const cached = cache.caller;
    if (cached !== undefined && this.callers.touch(cached, now)) return cached;
    return (cache.caller = this.callers.get(`\u0001${key}`, now, rate.perSecond, rate.burst));
  }

  private callerOfMethodBucket(cache: CallerCache, gate: MethodGate, key: string, now: number, rate: Required<RateLimit>): TrackedBucket {
    const cached = cache.gateBucket(gate);
    if (cached !== undefined && this.callers.touch(cached, now)) return cached;
    const bucket = this.callers.get(`${gate.pattern}\u0000${key}`, now, rate.perSecond, rate.burst);
    cache.setGateBucket(gate, bucket);
    return bucket;
  }

  /** @internal a permit was released. */
  released(): void {
    this.active--;
  }

  private keyOf(context: RpcContext, cache: CallerCache): string {
    // The default key depends only on the connection (peer, identity): once per connection, not per call.
    if (this.callerKey === defaultCallerKey) return cache.defaultKeyOf(context);
    try {
      return this.callerKey(context);
    } catch {
      // A failing key function must not leave the call unanswered: fall back on the address.
      return defaultCallerKey(context);
    }
  }
}

function rateLimited(what: string, bucket: TokenBucket, now: number): ServerOverloadedError {
  const retryAfterMs = bucket.waitMs(now);
  return new ServerOverloadedError(`Rate limit of ${what} reached (${bucket.perSecond}/s, burst ${bucket.burst}): retry in ${retryAfterMs} ms`, { reason: 'rate_limit', retryAfterMs });
}

function positiveOrZero(value: number | undefined, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

function rateOf(rate: RateLimit, name: string): Required<RateLimit> {
  const burst = rate.burst ?? Math.max(1, Math.ceil(rate.perSecond));
  if (!Number.isFinite(rate.perSecond) || rate.perSecond <= 0) throw new TypeError(`${name}.perSecond must be a finite number > 0, got ${rate.perSecond}`);
  if (!Number.isFinite(burst) || burst < 1) throw new TypeError(`${name}.burst must be a finite number ≥ 1, got ${burst}`);
  return { perSecond: rate.perSecond, burst };
}
