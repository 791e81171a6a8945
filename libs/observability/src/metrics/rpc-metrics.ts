import type { CallProbe, ClusterSignal, LogicalCallInfo, LogicalCallProbe, RpcCallInfo, RpcInstrumentation, SocketCounters } from '@nestrpc/transport';
import type { WatchState } from '@nestrpc/discovery';
import { Counter, Gauge, register as globalRegistry, Registry } from 'prom-client';
import { CallSeries } from './call-series';
import { splitPattern } from '../tracing/rpc-semantics';
import { rejectionReason, StatusLabels } from './status-label';
import { Flight, PatternStats, TimedCall } from './timed-call';

export interface RpcMetricsOptions {
  /** Where the metrics register: the app's own registry, or prom-client's global one (default). */
  registry?: Registry;
  /** Name prefix. Default `nestrpc_`. */
  prefix?: string;
  /** Histogram buckets (seconds). Default: 0.5 ms … 10 s. */
  buckets?: number[];
  /** Adds an `instance` label (`host:port`) to the client's in-flight gauge and ejection counter. Off: it multiplies series. */
  instanceLabels?: boolean;
}

/** Where the watch state of registries is read at scrape time: per watched service, live or serving from cache. */
export type RegistryWatchSource = () => Iterable<readonly [service: string, state: WatchState]>;

export const DEFAULT_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const NOOP_PROBE: LogicalCallProbe = { end: () => undefined, retried: () => undefined };

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
  private readonly serverInFlight = new Map<string, Flight>();
  private readonly clientInFlight = new Map<string, Flight>();
  /** Per pattern (client requests: and instance, with instanceLabels): what its calls update. */
  private readonly serverPatterns = new Map<string, PatternStats>();
  private readonly requestPatterns = new Map<string, PatternStats>();
  private readonly logicalPatterns = new Map<string, PatternStats>();
  private readonly rejected: Counter<'reason'>;
  /** Plain numbers on the call path (a prom-client inc() hashes its labels), read when scraped. */
  private framesIn = 0;
  private framesOut = 0;
  private readonly clientCalls: CallSeries;
  private readonly clientRequests: CallSeries;
  private readonly clientAttempts: Counter<'service'>;
  private readonly clientRetries: Counter<'service'>;
  private readonly clientBudgetExhausted: Counter<'service'>;
  private readonly clientEjections: Counter<'service' | 'instance'>;
  private readonly clientInstances: Gauge<'service' | 'version'>;
  private readonly clientReconnects: Counter;
  private readonly watchSources = new Set<RegistryWatchSource>();

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
    new Gauge({ name: `${p}server_calls_in_flight`, help: 'Calls being handled now.', labelNames: ['service'], registers, collect() { for (const { labels, value } of serverInFlight.values()) this.set(labels, value); } });
    this.rejected = new Counter({ name: `${p}server_rejected_total`, help: 'Calls refused before running: overload, rate_limit, draining, too_large, unknown_pattern, invalid.', labelNames: ['reason'], registers });
    new Counter({ name: `${p}server_frames_received_total`, help: 'Call frames received (requests, events, cancels).', registers, collect() { this.reset(); this.inc(self.framesIn); } });
    new Counter({ name: `${p}server_frames_sent_total`, help: 'Answer frames sent.', registers, collect() { this.reset(); this.inc(self.framesOut); } });
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
    this.clientEjections = new Counter({ name: `${p}client_ejections_total`, help: 'Instances ejected by the health model (per instance with instanceLabels).', labelNames: ['service', 'instance'], registers });
    this.clientInstances = new Gauge({ name: `${p}client_instances`, help: 'Instances known from discovery.', labelNames: ['service', 'version'], registers });
    this.clientReconnects = new Counter({ name: `${p}client_reconnects_total`, help: 'Reconnect attempts scheduled after a lost connection.', registers });
    const watchSources = this.watchSources;
    new Gauge({
      name: `${p}client_registry_watch_live`,
      help: "1 while the registry's watch of the service is live, 0 while it serves the last known instances (registry unreachable).",
      labelNames: ['service'],
      registers,
      // Read from the registry when scraped: its own state, never a copy that could lag behind it.
      collect() {
        this.reset();
        const states = new Map<string, WatchState>();
        for (const source of watchSources) for (const [service, state] of source()) if (states.get(service) !== 'cache') states.set(service, state);
        for (const [service, state] of states) this.set({ service }, state === 'live' ? 1 : 0);
      },
    });
  }

  serverCall(info: RpcCallInfo): CallProbe {
    const stats = this.serverPatterns.get(info.pattern) ?? this.serverPattern(info.pattern);
    if (info.kind === 'event') {
      stats.record(undefined, 0);
      return NOOP_PROBE;
    }
    return new TimedCall(stats);
  }

  clientCall(info: RpcCallInfo): CallProbe {
    const pattern = info.pattern;
    const instance = this.options.instanceLabels === true ? info.peer : '';
    const key = instance === '' ? pattern : `${pattern}\u0000${instance}`;
    const stats = this.requestPatterns.get(key) ?? this.requestPattern(key, pattern, instance);
    if (info.kind === 'event') {
      stats.record(undefined, 0);
      return NOOP_PROBE;
    }
    return new TimedCall(stats);
  }

  logicalCall(info: LogicalCallInfo): LogicalCallProbe {
    const { service, pattern } = info;
    let stats = this.logicalPatterns.get(pattern);
    if (stats === undefined) this.logicalPatterns.set(pattern, (stats = new PatternStats(pattern, this.clientCalls, this.statuses, undefined)));
    return new TimedCall(stats, () => this.clientRetries.inc({ service }));
  }

  private serverPattern(pattern: string): PatternStats {
    const service = serviceOf(pattern);
    let flight = this.serverInFlight.get(service);
    if (flight === undefined) this.serverInFlight.set(service, (flight = { labels: { service }, value: 0 }));
    const stats = new PatternStats(pattern, this.serverCalls, this.statuses, flight);
    this.serverPatterns.set(pattern, stats);
    return stats;
  }

  private requestPattern(key: string, pattern: string, instance: string): PatternStats {
    // One gauge series per service (and instance): every pattern of the service adds to it.
    const service = serviceOf(pattern);
    const flightKey = `${service}\u0000${instance}`;
    let flight = this.clientInFlight.get(flightKey);
    if (flight === undefined) this.clientInFlight.set(flightKey, (flight = { labels: { service, instance }, value: 0 }));
    const stats = new PatternStats(pattern, this.clientRequests, this.statuses, flight);
    this.requestPatterns.set(key, stats);
    return stats;
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
    this.framesIn++;
  }

  serverFrameOut(): void {
    this.framesOut++;
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
        return this.clientEjections.inc(this.options.instanceLabels === true ? { service: signal.service, instance: signal.instance ?? '' } : { service: signal.service });
      case 'instances':
        return this.setInstances(signal.service, signal.range, signal.byVersion);
    }
  }

  /**
   * Reports registry watch states (`client_registry_watch_live`), read from `source` at every
   * scrape; returns its removal. RpcObservabilityModule adds the RpcClientModule's registry itself.
   */
  watchRegistry(source: RegistryWatchSource): () => void {
    this.watchSources.add(source);
    return () => this.watchSources.delete(source);
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
