import type { CallProbe, ClusterSignal, LogicalCallInfo, LogicalCallProbe, RpcCallInfo, RpcInstrumentation, SocketCounters } from '@nestrpc/transport';
import { Counter, Gauge, register as globalRegistry, Registry } from 'prom-client';
import { CallSeries } from './call-series';
import { splitPattern } from '../tracing/rpc-semantics';
import { rejectionReason, StatusLabels } from './status-label';

export interface RpcMetricsOptions {
  /** Where the metrics register: the app's own registry, or prom-client's global one (default). */
  registry?: Registry;
  /** Name prefix. Default `nestrpc_`. */
  prefix?: string;
  /** Histogram buckets (seconds). Default: 0.5 ms … 10 s. */
  buckets?: number[];
  /** Adds an `instance` label (`host:port`) to the client's in-flight gauge. Off: it multiplies series. */
  instanceLabels?: boolean;
}

export const DEFAULT_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const NOOP_PROBE: LogicalCallProbe = { run: (fn) => fn(), end: () => undefined, retried: () => undefined };

/**
 * Prometheus metrics for servers and clients, fed by the transport's instrumentation hooks.
 * Labels are service, method and status only (bounded: patterns are the app's own handlers and
 * contracts, statuses are error codes capped by StatusLabels); instance ids only on request.
 */
export class RpcMetrics implements RpcInstrumentation {
  readonly registry: Registry;
  private readonly statuses = new StatusLabels();
  private readonly openSockets = new Set<SocketCounters>();
  private closedBytesIn = 0;
  private closedBytesOut = 0;
  /** Per service, per watched range: instances by version (ranges overlap: a version counts once). */
  private readonly watched = new Map<string, Map<string, ReadonlyMap<string, number>>>();

  private readonly serverCalls: CallSeries;
  /** In flight per service (server) and per service/instance (client), read when scraped. */
  private readonly serverInFlight = new Map<string, number>();
  private readonly clientInFlight = new Map<string, { labels: { service: string; instance: string }; value: number }>();
  private readonly rejected: Counter<'reason'>;
  private readonly serverFramesIn: Counter;
  private readonly serverFramesOut: Counter;
  private readonly clientCalls: CallSeries;
  private readonly clientRequests: CallSeries;
  private readonly clientAttempts: Counter<'service'>;
  private readonly clientRetries: Counter<'service'>;
  private readonly clientBudgetExhausted: Counter<'service'>;
  private readonly clientEjections: Counter<'service'>;
  private readonly clientInstances: Gauge<'service' | 'version'>;
  private readonly clientReconnects: Counter;

  constructor(private readonly options: RpcMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? globalRegistry);
    const p = options.prefix ?? 'nestrpc_';
    const buckets = options.buckets ?? DEFAULT_DURATION_BUCKETS;
    const registers = [registry];
    const sockets = this.openSockets;
    const self = this;
    this.serverCalls = new CallSeries(buckets);
    this.serverCalls.register(registry, `${p}server_calls_total`, 'Calls handled, by outcome (OK or error code).', `${p}server_call_duration_seconds`, 'Time from receiving a call to its last answer.');
    const serverInFlight = this.serverInFlight;
    new Gauge({ name: `${p}server_calls_in_flight`, help: 'Calls being handled now.', labelNames: ['service'], registers, collect() { for (const [service, value] of serverInFlight) this.set({ service }, value); } });
    this.rejected = new Counter({ name: `${p}server_rejected_total`, help: 'Calls refused before running: overload, rate_limit, draining, too_large, unknown_pattern, invalid.', labelNames: ['reason'], registers });
    this.serverFramesIn = new Counter({ name: `${p}server_frames_received_total`, help: 'Call frames received (requests, events, cancels).', registers });
    this.serverFramesOut = new Counter({ name: `${p}server_frames_sent_total`, help: 'Answer frames sent.', registers });
    new Gauge({ name: `${p}server_connections`, help: 'Open server connections.', registers, collect() { this.set(sockets.size); } });
    new Counter({ name: `${p}server_received_bytes_total`, help: 'Bytes read from server sockets.', registers, collect() { this.reset(); this.inc(self.bytes('bytesRead')); } });
    new Counter({ name: `${p}server_sent_bytes_total`, help: 'Bytes written to server sockets.', registers, collect() { this.reset(); this.inc(self.bytes('bytesWritten')); } });
    this.clientCalls = new CallSeries(buckets);
    this.clientCalls.register(registry, `${p}client_calls_total`, 'Logical calls through the cluster client, by outcome.', `${p}client_call_duration_seconds`, 'Logical call time, retries included.');
    this.clientRequests = new CallSeries(buckets);
    this.clientRequests.register(registry, `${p}client_requests_total`, 'Requests sent on a connection (one per attempt), by outcome.', `${p}client_request_duration_seconds`, 'Time from sending a request to its last answer.');
    const clientInFlight = this.clientInFlight;
    new Gauge({ name: `${p}client_requests_in_flight`, help: 'Requests awaiting an answer (per instance with instanceLabels).', labelNames: ['service', 'instance'], registers, collect() { for (const { labels, value } of clientInFlight.values()) this.set(labels, value); } });
    this.clientAttempts = new Counter({ name: `${p}client_attempts_total`, help: 'Attempts on instances made by the cluster client.', labelNames: ['service'], registers });
    this.clientRetries = new Counter({ name: `${p}client_retries_total`, help: 'Attempts beyond the first of a logical call (failover, forks).', labelNames: ['service'], registers });
    this.clientBudgetExhausted = new Counter({ name: `${p}client_retry_budget_exhausted_total`, help: 'Retries not made because the retry budget was spent.', labelNames: ['service'], registers });
    this.clientEjections = new Counter({ name: `${p}client_ejections_total`, help: 'Instances ejected by the health model.', labelNames: ['service'], registers });
    this.clientInstances = new Gauge({ name: `${p}client_instances`, help: 'Instances known from discovery.', labelNames: ['service', 'version'], registers });
    this.clientReconnects = new Counter({ name: `${p}client_reconnects_total`, help: 'Reconnect attempts scheduled after a lost connection.', registers });
  }

  serverCall(info: RpcCallInfo): CallProbe {
    const pattern = info.pattern;
    const started = performance.now();
    if (info.kind === 'event') return { run: (fn) => fn(), end: (error) => this.serverCalls.record(pattern, this.statuses.of(error), 0) };
    const service = serviceOf(pattern);
    this.serverInFlight.set(service, (this.serverInFlight.get(service) ?? 0) + 1);
    return {
      run: (fn) => fn(),
      end: (error) => {
        this.serverInFlight.set(service, (this.serverInFlight.get(service) ?? 1) - 1);
        this.serverCalls.record(pattern, this.statuses.of(error), (performance.now() - started) / 1e3);
      },
    };
  }

  clientCall(info: RpcCallInfo): CallProbe {
    const pattern = info.pattern;
    if (info.kind === 'event') {
      this.clientRequests.record(pattern, 'OK', 0);
      return NOOP_PROBE;
    }
    const started = performance.now();
    const instance = this.options.instanceLabels === true ? info.peer : '';
    const key = instance === '' ? pattern : `${pattern}\u0000${instance}`;
    let flight = this.clientInFlight.get(key);
    if (flight === undefined) this.clientInFlight.set(key, (flight = { labels: { service: serviceOf(pattern), instance }, value: 0 }));
    const counted = flight;
    counted.value++;
    return {
      run: (fn) => fn(),
      end: (error) => {
        counted.value--;
        this.clientRequests.record(pattern, this.statuses.of(error), (performance.now() - started) / 1e3);
      },
    };
  }

  logicalCall(info: LogicalCallInfo): LogicalCallProbe {
    const { service, pattern } = info;
    const started = performance.now();
    return {
      run: (fn) => fn(),
      retried: () => this.clientRetries.inc({ service }),
      end: (error) => this.clientCalls.record(pattern, this.statuses.of(error), (performance.now() - started) / 1e3),
    };
  }

  serverRejected(_pattern: string, error: unknown): void {
    this.rejected.inc({ reason: rejectionReason(error) });
  }

  serverConnectionOpened(socket: SocketCounters): void {
    this.openSockets.add(socket);
  }

  serverConnectionClosed(socket: SocketCounters, error?: unknown): void {
    if (!this.openSockets.delete(socket)) return;
    this.closedBytesIn += socket.bytesRead;
    this.closedBytesOut += socket.bytesWritten;
    if ((error as { code?: unknown })?.code === 'FRAME_TOO_LARGE') this.rejected.inc({ reason: 'too_large' });
  }

  serverFrameIn(): void {
    this.serverFramesIn.inc();
  }

  serverFrameOut(): void {
    this.serverFramesOut.inc();
  }

  clientReconnect(): void {
    this.clientReconnects.inc();
  }

  cluster(signal: ClusterSignal): void {
    switch (signal.type) {
      case 'attempt':
        return this.clientAttempts.inc({ service: signal.service });
      case 'retry-budget-exhausted':
        return this.clientBudgetExhausted.inc({ service: signal.service });
      case 'ejected':
        return this.clientEjections.inc({ service: signal.service });
      case 'instances':
        return this.setInstances(signal.service, signal.range, signal.byVersion);
    }
  }

  /** Removes these metrics from the registry (the app's registry outlives the module in tests). */
  unregister(): void {
    for (const name of this.names()) this.registry.removeSingleMetric(name);
  }

  private names(): string[] {
    const p = this.options.prefix ?? 'nestrpc_';
    return this.registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name).filter((name) => name.startsWith(`${p}server_`) || name.startsWith(`${p}client_`));
  }

  private setInstances(service: string, range: string, byVersion: ReadonlyMap<string, number>): void {
    const ranges = this.watched.get(service) ?? new Map<string, ReadonlyMap<string, number>>();
    this.watched.set(service, ranges);
    ranges.set(range, byVersion);
    const counts = new Map<string, number>();
    for (const list of ranges.values()) {
      // A version's instances are the same whichever range lists them: take the largest view.
      for (const [version, count] of list) counts.set(version, Math.max(counts.get(version) ?? 0, count));
    }
    // A version that is gone reads 0 rather than vanishing, so a dashboard sees the drop.
    for (const version of this.versionsOf(service)) if (!counts.has(version)) this.clientInstances.set({ service, version }, 0);
    for (const [version, count] of counts) {
      this.versionsOf(service).add(version);
      this.clientInstances.set({ service, version }, count);
    }
  }

  private readonly versionsSeen = new Map<string, Set<string>>();

  private versionsOf(service: string): Set<string> {
    let seen = this.versionsSeen.get(service);
    if (seen === undefined) this.versionsSeen.set(service, (seen = new Set<string>()));
    return seen;
  }

  private bytes(which: 'bytesRead' | 'bytesWritten'): number {
    let total = which === 'bytesRead' ? this.closedBytesIn : this.closedBytesOut;
    for (const socket of this.openSockets) total += socket[which];
    return total;
  }
}

function serviceOf(pattern: string): string {
  return splitPattern(pattern).service;
}
