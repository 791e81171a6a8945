import { AsyncLocalStorage } from 'async_hooks';

/** What a handler's outgoing calls inherit from the call being served. */
export interface CallScope {
  /** Absolute deadline (epoch ms, `Date.now()` clock) of the call being served, if it has one. */
  readonly deadline?: number;
  /** W3C trace context of the call being served. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

const storage = new AsyncLocalStorage<CallScope>();
let enabled = false;

/**
 * Turns call scopes on for this process. The cluster client calls it when it is created, so only
 * a process that can make outgoing calls pays for them: on Node 20 the first
 * `AsyncLocalStorage.run` installs promise hooks that then cost every promise in the process
 * (~10 % of a busy server's CPU in the benchmark's profile), which a provider that calls nobody
 * should not pay.
 */
export function enableCallScopes(): void {
  enabled = true;
}

/** Whether handlers run in a call scope (see enableCallScopes). */
export function callScopesEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` (a handler invocation) inside `scope`, so calls it makes — however deep in
 * promises, timers or Observables — can read the deadline and trace context they inherit.
 * Lives in the transport because both the server (sets it) and the client (reads it) depend
 * on the transport and never on each other. Until call scopes are enabled it just runs `fn`.
 */
export function runInCallScope<T>(scope: CallScope, fn: () => T): T {
  return enabled ? storage.run(scope, fn) : fn();
}

/** The scope of the call being served here, or undefined outside any handler. */
export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}

/** The scope of a received call: its deadline derives from the time left the caller sent. */
export function scopeOfCall(meta: { timeoutMs?: number; traceparent?: string; tracestate?: string }, receivedAt: number): CallScope {
  const { timeoutMs, traceparent, tracestate } = meta;
  return { deadline: timeoutMs === undefined || timeoutMs === 0 ? undefined : receivedAt + timeoutMs, traceparent, tracestate };
}
