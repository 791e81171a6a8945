import { CallProbe, ClusterSignal, LogicalCallInfo, LogicalCallProbe, RpcCallInfo, RpcInstrumentation } from './rpc-instrumentation';

const installed: RpcInstrumentation[] = [];
let active: RpcInstrumentation | undefined;

const NOOP_PROBE: LogicalCallProbe = { run: (fn) => fn(), end: () => undefined, retried: () => undefined };

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

function combine(list: readonly RpcInstrumentation[]): RpcInstrumentation {
  if (list.length === 1) return list[0];
  const all = [...list];
  // Which instrumentations have each hook, computed once per install (not per call).
  const lists = new Map<keyof RpcInstrumentation, RpcInstrumentation[]>();
  const each = <K extends keyof RpcInstrumentation>(key: K): RpcInstrumentation[] => {
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = all.filter((i) => i[key] !== undefined)));
    return list;
  };
  const probes = (all: Array<CallProbe | undefined>): CallProbe | undefined => {
    const started = all.filter((probe): probe is CallProbe => probe !== undefined);
    return started.length === 0 ? undefined : started.length === 1 ? started[0] : combined(started);
  };
  const combined = (started: CallProbe[]): CallProbe => ({
    run: <T>(fn: () => T): T => started.reduceRight<() => T>((inner, probe) => () => probe.run(inner), fn)(),
    end: (error?: unknown) => started.forEach((probe) => probe.end(error)),
  });
  return {
    serverCall: (info: RpcCallInfo) => probes(each('serverCall').map((i) => i.serverCall!(info))),
    clientCall: (info: RpcCallInfo) => probes(each('clientCall').map((i) => i.clientCall!(info))),
    logicalCall: (info: LogicalCallInfo) => {
      const started = each('logicalCall')
        .map((i) => i.logicalCall!(info))
        .filter((probe): probe is LogicalCallProbe => probe !== undefined);
      if (started.length <= 1) return started[0];
      return { ...combined(started), retried: () => started.forEach((probe) => probe.retried()) };
    },
    serverRejected: (pattern, error) => each('serverRejected').forEach((i) => i.serverRejected!(pattern, error)),
    serverConnectionOpened: (socket) => each('serverConnectionOpened').forEach((i) => i.serverConnectionOpened!(socket)),
    serverConnectionClosed: (socket, error) => each('serverConnectionClosed').forEach((i) => i.serverConnectionClosed!(socket, error)),
    serverFrameIn: () => each('serverFrameIn').forEach((i) => i.serverFrameIn!()),
    serverFrameOut: () => each('serverFrameOut').forEach((i) => i.serverFrameOut!()),
    clientReconnect: (address) => each('clientReconnect').forEach((i) => i.clientReconnect!(address)),
    cluster: (signal: ClusterSignal) => each('cluster').forEach((i) => i.cluster!(signal)),
  };
}

/**
 * Wraps a transport callback so `probe` ends with the call: on the final packet (with its
 * error, if any) or on `cancel()` (the caller unsubscribed).
 */
export function endProbeWith<P extends { err?: unknown; isDisposed?: boolean }>(probe: CallProbe, callback: (packet: P) => void): { callback: (packet: P) => void; cancel: () => void } {
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    probe.end(error);
  };
  return {
    callback: (packet: P) => {
      if (packet.isDisposed === true || packet.err !== undefined) end(packet.err);
      callback(packet);
    },
    cancel: () => end(),
  };
}
