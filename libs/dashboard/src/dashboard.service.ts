import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { RpcClusterClient, RpcClusterManager } from '@nestrpc/client';
import { addressMatches, EtcdConnection, EtcdGovernanceStore, FleetEntry, FleetView, GovernanceRules, ServiceInstance } from '@nestrpc/discovery';
import { CallRateSampler } from './call-rate-sampler';
import { ConsumerView, DashboardInstance, DashboardState, InstanceHealth } from './dashboard-state';
import { DASHBOARD_OPTIONS, DashboardModuleOptions, DEFAULT_DASHBOARD_SAMPLE_INTERVAL_MS } from './dashboard.options';

/**
 * Builds what the page shows: the registry (every service, version and instance of the
 * namespace), the operators' rules (effective weight, disabled), and, for the services this app
 * calls, what its cluster clients measure (in flight, latency EWMA, call rate, ejection).
 * Extension point: when the metrics of issue 15 exist, fill {@link ConsumerView} from them here.
 */
@Injectable()
export class DashboardService implements OnModuleInit, OnApplicationShutdown {
  private readonly connection: EtcdConnection;
  private readonly fleet: FleetView;
  private readonly store: EtcdGovernanceStore;
  private readonly rates = new CallRateSampler();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(DASHBOARD_OPTIONS) private readonly options: DashboardModuleOptions,
    @Optional() private readonly clusters?: RpcClusterManager,
  ) {
    this.connection = new EtcdConnection(options.etcd);
    this.fleet = new FleetView(this.connection);
    this.store = new EtcdGovernanceStore(this.connection);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.sample(), this.options.sampleIntervalMs ?? DEFAULT_DASHBOARD_SAMPLE_INTERVAL_MS);
    this.timer.unref();
    this.sample();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.fleet.close();
    await this.store.close();
    this.connection.close();
  }

  async state(): Promise<DashboardState> {
    const entries = await this.fleet.list();
    const byService = new Map<string, FleetEntry[]>();
    for (const entry of entries) byService.set(entry.instance.service, [...(byService.get(entry.instance.service) ?? []), entry]);
    const now = Date.now();
    const services = await Promise.all(
      [...byService].map(async ([service, list]) => {
        const rules = await this.store.rules(service);
        const clients = this.clientsOf(service);
        const versions = new Map<string, DashboardInstance[]>();
        for (const { instance } of list) versions.set(instance.version, [...(versions.get(instance.version) ?? []), this.describe(instance, rules, clients, now)]);
        return {
          service,
          routes: Object.entries(rules.routes).map(([name, r]) => `${name}: ${r.header}=${r.value} → ${r.tag}`),
          versions: [...versions].map(([version, instances]) => ({ version, instances })),
        };
      }),
    );
    return { namespace: this.connection.namespace, generatedAt: now, services };
  }

  private describe(instance: ServiceInstance, rules: GovernanceRules, clients: readonly RpcClusterClient[], now: number): DashboardInstance {
    const address = `${instance.host}:${instance.port}`;
    const override = rules.overrides[instance.id] ?? rules.overrides[address];
    const denied = rules.access !== undefined && (rules.access.deny.some((p) => addressMatches(p, instance.host, instance.port)) || (rules.access.allow.length > 0 && !rules.access.allow.some((p) => addressMatches(p, instance.host, instance.port))));
    const effectiveWeight = override?.weight ?? instance.weight;
    const consumer = this.consumerView(instance, clients);
    let health: InstanceHealth = consumer === undefined ? 'registered' : 'up';
    if (effectiveWeight === 0) health = 'drained';
    if (consumer?.ejected === true) health = 'ejected';
    if (override?.disabled === true || denied) health = 'disabled';
    return { id: instance.id, address, weight: instance.weight, effectiveWeight, tags: instance.tags, ageMs: now - instance.startedAt, health, ...(consumer && { consumer }) };
  }

  private consumerView(instance: ServiceInstance, clients: readonly RpcClusterClient[]): ConsumerView | undefined {
    const seenBy = clients.filter((c) => c.instances().some((i) => i.id === instance.id));
    if (seenBy.length === 0) return undefined;
    const stats = seenBy.map((c) => c.callStats(instance.id));
    const latencies = stats.filter((s) => s.ewmaLatencyMs > 0).map((s) => s.ewmaLatencyMs);
    return {
      active: stats.reduce((n, s) => n + s.active, 0),
      ratePerSecond: Math.round(this.rates.rate(`${instance.service}/${instance.id}`) * 10) / 10,
      latencyMs: latencies.length === 0 ? 0 : Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 100) / 100,
      ejected: seenBy.some((c) => c.isEjected(instance.id)),
    };
  }

  private clientsOf(service: string): readonly RpcClusterClient[] {
    return (this.clusters?.clients() ?? []).filter((c) => c.service === service);
  }

  private sample(): void {
    const counts = new Map<string, number>();
    for (const client of this.clusters?.clients() ?? []) {
      for (const instance of client.instances()) {
        const key = `${client.service}/${instance.id}`;
        counts.set(key, (counts.get(key) ?? 0) + client.callStats(instance.id).completed);
      }
    }
    this.rates.sample(counts, Date.now());
  }
}
