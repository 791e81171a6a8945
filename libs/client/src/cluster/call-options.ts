import type { RpcFallback } from '../resilience/resilience.options';
import { CallScope, DEFAULT_CALL_TIMEOUT_MS, RpcCallOptions, RpcRecord } from '@nestrpc/transport';

/**
 * What one call may override, from a typed proxy (`withOptions(proxy, options)`) or a
 * `send()` with an `RpcRecord`. Contract method signatures stay unchanged.
 */
export interface RpcCallOverrides {
  /** Time the whole call (every attempt together) may take; 0 waits forever. */
  timeoutMs?: number;
  /** Absolute deadline (epoch ms); with `timeoutMs` too, the earlier wins. */
  deadline?: number;
  /** Safe to run twice: sent as the wire flag and used for every retry decision. */
  idempotent?: boolean;
  /** failover: extra attempts on other instances. */
  retries?: number;
  /** User headers, visible to the handler as `ctx.getHeaders()`. Never part of the route. */
  headers?: Record<string, string>;
  /** Routing key for 'consistent-hash' (user id, cart id...). Default: the first argument. */
  hashKey?: string;
  /** This call's fallback `(error, args) => answer` (beats the method's; see CallPolicy.fallback). */
  fallback?: RpcFallback;
  /** W3C trace context; default: the one of the call being served (inside a handler). */
  traceparent?: string;
  tracestate?: string;
}

/** The one set of options a call carries from where it enters the client down to every attempt. */
export interface ResolvedCallOptions {
  /** Absolute deadline (epoch ms) of the whole call, undefined = none. Each attempt sends only the time left. */
  readonly deadline: number | undefined;
  readonly idempotent: boolean;
  readonly retries: number;
  readonly headers: Record<string, string> | undefined;
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
  /** Consistent-hash key, when the balancer routes by key. */
  readonly key: string | undefined;
}

/** Defaults the overrides fall back on: the contract/method policy. */
export interface CallDefaults {
  timeoutMs?: number;
  idempotent?: boolean;
  retries: number;
}

/**
 * Resolves a call's options once: overrides beat the policy, the policy beats the transport
 * default timeout, and a call made inside a handler never outlives the call being served
 * (its deadline is the earlier of its own and the inherited one; the trace context carries on).
 */
export function resolveCallOptions(
  defaults: CallDefaults,
  overrides: RpcCallOverrides,
  inherited: CallScope | undefined,
  fallbackTimeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  now = Date.now(),
): Omit<ResolvedCallOptions, 'key'> {
  const timeoutMs = overrides.timeoutMs ?? defaults.timeoutMs ?? fallbackTimeoutMs;
  let deadline = timeoutMs > 0 ? now + timeoutMs : undefined;
  for (const other of [overrides.deadline, inherited?.deadline]) {
    if (other !== undefined && (deadline === undefined || other < deadline)) deadline = other;
  }
  return {
    deadline,
    idempotent: overrides.idempotent ?? defaults.idempotent ?? false,
    retries: overrides.retries ?? defaults.retries,
    headers: overrides.headers,
    traceparent: overrides.traceparent ?? inherited?.traceparent,
    tracestate: overrides.traceparent !== undefined ? overrides.tracestate : (overrides.tracestate ?? inherited?.tracestate),
  };
}

/** An `RpcRecord` given to `send()` is unwrapped: its payload is the data, its options overrides. */
export function unwrapRecord(data: unknown): { payload: unknown; overrides: RpcCallOverrides } {
  if (!(data instanceof RpcRecord)) return { payload: data, overrides: {} };
  const { timeoutMs, deadline, idempotent, headers, traceparent, tracestate } = data.options as RpcCallOptions;
  return { payload: data.data, overrides: withoutUndefined({ timeoutMs, deadline, idempotent, headers, traceparent, tracestate }) };
}

/** What one attempt sends: the call's options unchanged, addressed to the instance's version. */
export function attemptOptions(options: ResolvedCallOptions, version: string): RpcCallOptions {
  const record: RpcCallOptions = { idempotent: options.idempotent, version };
  if (options.deadline === undefined) record.timeoutMs = 0;
  else record.deadline = options.deadline;
  if (options.headers !== undefined) record.headers = options.headers;
  if (options.traceparent !== undefined) record.traceparent = options.traceparent;
  if (options.tracestate !== undefined) record.tracestate = options.tracestate;
  return record;
}

/** Consistent hashing's default key: the first argument (typed proxies) or the payload (send). */
export function defaultRoutingKey(payload: unknown): string {
  const first = Array.isArray(payload) ? payload[0] : payload;
  return typeof first === 'string' ? first : (JSON.stringify(first) ?? '');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
