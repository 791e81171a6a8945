import { CallProbe, LogicalCallInfo, LogicalCallProbe, RpcInstrumentation } from './rpc-instrumentation';

const installed: RpcInstrumentation[] = [];
let active: RpcInstrumentation | undefined;

const NOOP_PROBE: LogicalCallProbe = { end: () => undefined, retried: () => undefined };

/**
 * Installs instrumentation process-wide (tracing, metrics) and returns its uninstall.
 * Process-wide like OpenTelemetry's own global providers: servers and clients built before
 * the install (Nest creates them in whatever order) pick it up on their next call.
 */
export function installRpcInstrumentation(instrumentation: RpcInstrumentation): () => void {
  installed.push(instrumentation);
  active = combine(installed);
  return () => {
    const index = installed.indexOf(instrumentation);
    if (index >= 0) installed.splice(index, 1);
    active = installed.length === 0 ? undefined : combine(installed);
  };
}

/** What is installed, or undefined (the uninstrumented fast path). */
export function rpcInstrumentation(): RpcInstrumentation | undefined {
  return active;
}

/** A probe that does nothing, for callers that always want one. */
export function noopProbe(): LogicalCallProbe {
  return NOOP_PROBE;
}

/**
 * One instrumentation standing for all installed ones. A hook is present only when some installed
 * instrumentation has it, so `rpcInstrumentation()?.hook?.(info)` skips even building `info` for
 * hooks nobody listens to; the per-call hooks allocate nothing beyond the probes they return.
 */
function combine(list: readonly RpcInstrumentation[]): RpcInstrumentation {
  if (list.length === 1) return list[0];
  const all = [...list];
  const having = <K extends keyof RpcInstrumentation>(key: K): RpcInstrumentation[] => all.filter((i) => i[key] !== undefined);
  const combined: RpcInstrumentation = {};
  const serverCall = starter(having('serverCall').map((i) => i.serverCall!.bind(i)));
  if (serverCall !== undefined) combined.serverCall = serverCall;
  const clientCall = starter(having('clientCall').map((i) => i.clientCall!.bind(i)));
  if (clientCall !== undefined) combined.clientCall = clientCall;
  const logicalCall = logicalStarter(having('logicalCall').map((i) => i.logicalCall!.bind(i)));
  if (logicalCall !== undefined) combined.logicalCall = logicalCall;
  const fanOut = <K extends SignalHook>(key: K): void => {
    const hooks = having(key).map((i) => (i[key] as (...args: unknown[]) => void).bind(i));
    if (hooks.length === 0) return;
    (combined as Record<K, unknown>)[key] =
      hooks.length === 1
        ? hooks[0]
        : (...args: unknown[]): void => {
            for (const hook of hooks) hook(...args);
          };
  };
  for (const key of SIGNAL_HOOKS) fanOut(key);
  return combined;
}

type SignalHook = 'serverRejected' | 'serverConnectionOpened' | 'serverConnectionClosed' | 'serverFrameIn' | 'serverFrameOut' | 'clientReconnect' | 'cluster';
const SIGNAL_HOOKS: readonly SignalHook[] = ['serverRejected', 'serverConnectionOpened', 'serverConnectionClosed', 'serverFrameIn', 'serverFrameOut', 'clientReconnect', 'cluster'];

type Start<I, P> = (info: I) => P | undefined;

/** The start hooks of several instrumentations as one: undefined probes (nothing to follow) are dropped without an array per call. */
function starter<I>(starts: Start<I, CallProbe>[]): Start<I, CallProbe> | undefined {
  if (starts.length <= 1) return starts[0];
  return (info) => {
    let first: CallProbe | undefined;
    let more: CallProbe[] | undefined;
    for (const start of starts) {
      const probe = start(info);
      if (probe === undefined) continue;
      if (first === undefined) first = probe;
      else (more ??= [first]).push(probe);
    }
    return more === undefined ? first : new CombinedProbe(more);
  };
}

function logicalStarter(starts: Start<LogicalCallInfo, LogicalCallProbe>[]): Start<LogicalCallInfo, LogicalCallProbe> | undefined {
  return starter(starts) as Start<LogicalCallInfo, LogicalCallProbe> | undefined;
}

/** Several probes following one call: the first one's context is the outermost. */
class CombinedProbe implements LogicalCallProbe {
  /** Only when some probe sets a context: otherwise callers run the work directly. */
  readonly run?: <T>(fn: () => T) => T;

  constructor(private readonly probes: CallProbe[]) {
    if (probes.some((probe) => probe.run !== undefined)) this.run = (fn) => this.runFrom(0, fn);
  }

  end(error?: unknown): void {
    for (const probe of this.probes) probe.end(error);
  }

  retried(): void {
    for (const probe of this.probes) (probe as Partial<LogicalCallProbe>).retried?.();
  }

  private runFrom<T>(index: number, fn: () => T): T {
    if (index === this.probes.length) return fn();
    const probe = this.probes[index];
    return probe.run === undefined ? this.runFrom(index + 1, fn) : probe.run(() => this.runFrom(index + 1, fn));
  }
}

/**
 * Wraps a transport callback so `probe` ends with the call: on the final packet (with its
 * error, if any) or on `cancel()` (the caller unsubscribed). One object and one closure per call.
 */
export function endProbeWith<P extends { err?: unknown; isDisposed?: boolean }>(probe: CallProbe, callback: (packet: P) => void): { callback: (packet: P) => void; cancel: () => void } {
  return new ProbedCallback(probe, callback);
}

class ProbedCallback<P extends { err?: unknown; isDisposed?: boolean }> {
  private ended = false;
  readonly callback: (packet: P) => void;

  constructor(
    private readonly probe: CallProbe,
    inner: (packet: P) => void,
  ) {
    this.callback = (packet) => {
      if (packet.isDisposed === true || packet.err !== undefined) this.end(packet.err);
      inner(packet);
    };
  }

  cancel(): void {
    this.end();
  }

  private end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.probe.end(error);
  }
}
