import { FrameMetadata } from '../protocol/frame';
import { FrameFlags } from '../protocol/frame-flags';
import { RpcCallOptions, RpcRecord } from './rpc-record';

/**
 * A call's options, resolved once where the call enters (`send`/`emit`) and written to the wire
 * from this object alone: client defaults merged, timeout and absolute deadline folded into one
 * deadline, so time spent connecting counts against it.
 */
export interface ResolvedCallOptions {
  /** Epoch ms after which the caller stops waiting; undefined waits forever. */
  readonly deadline: number | undefined;
  /** The budget the call started with (ms), for error messages; 0 when there is no deadline. */
  readonly budgetMs: number;
  readonly idempotent: boolean;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly version: string | undefined;
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
}

export interface CallDefaults {
  /** 0 disables. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Splits a Nest payload into data and per-call options (`RpcRecord` is Nest's user-facing wrapper for them). */
export function unwrapRecord(payload: unknown): { data: unknown; options: RpcCallOptions | undefined } {
  return payload instanceof RpcRecord ? { data: payload.data, options: payload.options } : { data: payload, options: undefined };
}

export function resolveCallOptions(options: RpcCallOptions | undefined, defaults: CallDefaults, now = Date.now()): ResolvedCallOptions {
  const timeoutMs = options?.timeoutMs ?? defaults.timeoutMs;
  let deadline = timeoutMs > 0 ? now + timeoutMs : undefined;
  if (options?.deadline !== undefined) deadline = deadline === undefined ? options.deadline : Math.min(deadline, options.deadline);
  const headers = defaults.headers === undefined ? options?.headers : options?.headers === undefined ? defaults.headers : { ...defaults.headers, ...options.headers };
  return {
    deadline,
    budgetMs: deadline === undefined ? 0 : Math.max(1, Math.ceil(deadline - now)),
    idempotent: options?.idempotent === true,
    headers,
    version: options?.version,
    traceparent: options?.traceparent,
    tracestate: options?.tracestate,
  };
}

/** Milliseconds left before the deadline (at least 1 while one is set), or 0 for none. */
export function remainingMs(options: ResolvedCallOptions, now = Date.now()): number {
  return options.deadline === undefined ? 0 : Math.max(1, Math.ceil(options.deadline - now));
}

/** The time a call may take: the earlier of its timeout and its absolute deadline (at least 1 ms); 0 waits forever. */
export function effectiveTimeoutMs(options: RpcCallOptions | undefined, defaultTimeoutMs: number): number {
  return remainingMs(resolveCallOptions(options, { timeoutMs: defaultTimeoutMs }));
}

/** Frame metadata and flags for a call, from its resolved options; `timeoutMs` is the time left now. */
export function toWire(pattern: string, options: ResolvedCallOptions, timeoutMs: number): { meta: FrameMetadata; flags: number } {
  const meta: FrameMetadata = { pattern };
  if (timeoutMs > 0) meta.timeoutMs = timeoutMs;
  if (options.headers !== undefined) meta.headers = options.headers as Record<string, string>;
  if (options.version !== undefined) meta.version = options.version;
  if (options.traceparent !== undefined) meta.traceparent = options.traceparent;
  if (options.tracestate !== undefined) meta.tracestate = options.tracestate;
  return { meta, flags: options.idempotent ? FrameFlags.Idempotent : FrameFlags.None };
}
