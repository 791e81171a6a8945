import { FrameMetadata } from '../protocol/frame';

/** The byte counters of a socket (`net.Socket` has them). */
export interface SocketCounters {
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/** One call (or event) as instrumentation sees it when it starts. */
export interface RpcCallInfo {
  /** Wire pattern, `Service.method` for contract calls. */
  readonly pattern: string;
  /**
   * Server: the received metadata. Client: the outgoing metadata, which a tracer may still
   * change (it writes `traceparent`/`tracestate` of the span it started).
   */
  readonly meta: FrameMetadata;
  /** Server: the caller's address. Client: the server's `host:port`. */
  readonly peer: string;
  readonly kind: 'call' | 'event';
}

/** Follows one call from start to end. */
export interface CallProbe {
  /**
   * Runs the handler (server side) inside this call's context, e.g. its active span. Absent when
   * the probe sets no context (metrics): callers then run the work directly, with no closure.
   */
  run?<T>(fn: () => T): T;
  /** The call ended, with `error` when it failed or was refused. Called at most once. */
  end(error?: unknown): void;
}

/** A logical call through the cluster client: one or more attempts on instances. */
export interface LogicalCallInfo {
  readonly service: string;
  readonly pattern: string;
  readonly strategy: string;
}

/** Follows a logical call; `run` makes its context the parent of the attempts. */
export interface LogicalCallProbe extends CallProbe {
  /** An attempt beyond the first one was made (failover retry, fork). */
  retried(): void;
}

/** What the cluster client reports besides calls (metrics use it). */
export type ClusterSignal =
  | { readonly type: 'attempt'; readonly service: string }
  | { readonly type: 'retry-budget-exhausted'; readonly service: string }
  /** `instance` is its `host:port` (metrics label it only with instanceLabels). */
  | { readonly type: 'ejected'; readonly service: string; readonly instance?: string }
  | { readonly type: 'instances'; readonly service: string; readonly range: string; readonly byVersion: ReadonlyMap<string, number> };

/**
 * Hooks the transport and the cluster client call at call start/end. Every hook is optional;
 * with none installed the call path does one `undefined` check (see `rpcInstrumentation()`).
 */
export interface RpcInstrumentation {
  /** Start hooks may return undefined: nothing to follow for this call (e.g. tracing without an SDK). */
  serverCall?(info: RpcCallInfo): CallProbe | undefined;
  clientCall?(info: RpcCallInfo): CallProbe | undefined;
  logicalCall?(info: LogicalCallInfo): LogicalCallProbe | undefined;
  /** The server refused a call before running it (overload, draining, too large, unknown pattern). */
  serverRejected?(pattern: string, error: unknown): void;
  /** Byte counters are read from the socket itself (no per-frame cost): sum them when scraped. */
  serverConnectionOpened?(socket: SocketCounters): void;
  /** `error` is why it closed, when it failed (e.g. FrameTooLargeError). */
  serverConnectionClosed?(socket: SocketCounters, error?: unknown): void;
  serverFrameIn?(): void;
  serverFrameOut?(): void;
  clientReconnect?(address: string): void;
  cluster?(signal: ClusterSignal): void;
}
