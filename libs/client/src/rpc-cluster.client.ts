import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { createRegistry, etcdOptionsOf, GovernanceView, InstanceStats, parseVersionRange, resolveBalancer, RegistryHealth, ServiceRegistry, validateServiceName } from '@nestrpc/discovery';
import { currentCallScope, DEFAULT_CALL_TIMEOUT_MS, enableCallScopes, InvalidMessageError, rpcInstrumentation } from '@nestrpc/transport';
import { traced } from './cluster/traced-call';
import { lastValueFrom, Observable, throwError } from 'rxjs';
import { DEFAULT_CLUSTER_STRATEGY, DEFAULT_FAILBACK_ATTEMPTS, DEFAULT_FAILBACK_QUEUE_SIZE, DEFAULT_FORKS, DEFAULT_RETRIES } from './constants';
import { defaultRoutingKey, resolveCallOptions, RpcCallOverrides, unwrapRecord } from './cluster/call-options';
import { ClusterCall, ClusterInvoker } from './cluster/cluster-invoker';
import { InstancePool } from './cluster/instance-pool';
import { RetryBudget } from './cluster/retry-budget';
import { broadcast, ClusterStrategy, failbackWith, FailbackQueue, failfast, failover, failsafe, forking } from './cluster/strategies';
import { CallPolicy, ClusterStrategyName, RpcClusterClientOptions } from './interfaces/cluster-options';

/**
 * Nest ClientProxy for a whole service: discovers its instances, balances calls over one
 * pooled connection per instance, and applies a cluster strategy (failover by default).
 *
 * ```ts
 * ClientsModule.register([{ name: 'HELLO', customClass: RpcClusterClient,
 *   options: { service: 'HelloService', version: '^1', registry: { etcd: { hosts: 'http://127.0.0.1:2379' } } } }])
 * ```
 * A consumer may start before its providers: calls fail with NoProvidersError until one registers.
 */
export class RpcClusterClient extends ClientProxy {
  readonly service: string;
  readonly range: string;
  private readonly registry: ServiceRegistry;
  private readonly ownsRegistry: boolean;
  private readonly pool: InstancePool;
  private readonly invoker: ClusterInvoker;
  private readonly failbackQueue: FailbackQueue;
  private readonly strategies: Record<ClusterStrategyName, ClusterStrategy>;
  private readonly hashByKey: boolean;
  private readonly policies = new Map<string, MethodPolicy>();
  private readonly defaultTimeoutMs: number;
  private readonly governance: GovernanceView | undefined;
  private readonly stats = new InstanceStats();

  constructor(private readonly options: RpcClusterClientOptions) {
    super();
    // This process can now call out: handlers it serves must hand their deadline and trace on.
    enableCallScopes();
    this.service = validateServiceName(options.service);
    this.range = parseVersionRange(options.version ?? '*');
    const { registry, owned } = createRegistry(options.registry);
    this.registry = registry;
    this.ownsRegistry = owned;
    this.pool = new InstancePool(registry, this.service, this.range, {
      transport: options.transport,
      outlier: { ...options.outlier, baseMs: options.outlier?.baseMs ?? options.ejection?.baseMs, maxMs: options.outlier?.maxMs ?? options.ejection?.maxMs },
      maxEjectionPercent: options.maxEjectionPercent,
      stallMs: options.stallMs,
      probeTimeoutMs: options.probeTimeoutMs,
    });
    this.defaultTimeoutMs = options.transport?.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const balancer = resolveBalancer(options.balancer);
    this.hashByKey = balancer.name === 'consistent-hash';
    const budget = new RetryBudget(options.retryBudget?.ratio, options.retryBudget?.minPerSecond);
    this.governance = GovernanceView.create(this.service, options.governance, etcdOptionsOf(options.registry));
    this.invoker = new ClusterInvoker(this.pool, balancer, this.stats, budget, this.governance);
    this.failbackQueue = new FailbackQueue(this.invoker, DEFAULT_FAILBACK_QUEUE_SIZE, DEFAULT_FAILBACK_ATTEMPTS, options.timeoutMs ?? this.defaultTimeoutMs);
    this.strategies = { failover, failfast, failsafe, failback: failbackWith(this.failbackQueue), forking, broadcast };
    for (const policy of [options, ...Object.values(options.methods ?? {})]) this.strategyOf(policy.cluster);
  }

  /** Starts discovery. Resolves at once: no provider is needed to start. */
  async connect(): Promise<void> {
    this.pool.start();
    this.governance?.start();
  }

  async close(): Promise<void> {
    this.failbackQueue.close();
    await this.pool.close();
    await this.governance?.close();
    if (this.ownsRegistry) await this.registry.close();
  }

  unwrap<T>(): T {
    return this.pool as T;
  }

  /** The instances currently known (for health pages and tests). */
  instances(): ReturnType<InstancePool['healthy']> {
    return this.pool.all;
  }

  /** Instances taking traffic now (for health checks). */
  healthyInstances(): ReturnType<InstancePool['healthy']> {
    return this.pool.healthy();
  }

  /** The registry's lease and watch state, when the registry keeps one (etcd does). */
  registryHealth(): RegistryHealth | undefined {
    return this.registry.health?.();
  }

  isEjected(id: string): boolean {
    return this.pool.isEjected(id);
  }

  /** Read-only call statistics of one instance as this client saw them (dashboards): in flight, latency EWMA, calls completed. */
  callStats(id: string): { active: number; ewmaLatencyMs: number; completed: number } {
    return { ...this.stats.get(id), completed: this.stats.completed(id) };
  }

  /**
   * Calls `pattern` through the cluster strategy. `method` selects per-method policy
   * (typed proxies pass the method name; `send()` passes the pattern). The call's options are
   * resolved here, once: `overrides` (and an RpcRecord's options) beat the method policy, and
   * inside a handler the deadline and trace context of the call being served are inherited.
   */
  invoke<T = unknown>(pattern: string, data: unknown, method = pattern, overrides: RpcCallOverrides = {}): Observable<T> {
    this.pool.start();
    const policy = this.policyFor(method);
    const { payload, overrides: fromRecord } = unwrapRecord(data);
    const merged = { ...fromRecord, ...overrides };
    const options = resolveCallOptions(policy, merged, currentCallScope(), this.defaultTimeoutMs);
    const key = merged.hashKey ?? (this.hashByKey ? defaultRoutingKey(payload) : undefined);
    const call: ClusterCall = { pattern, data: payload, policy, options: { ...options, key } };
    const probe = rpcInstrumentation()?.logicalCall?.({ service: this.invoker.service, pattern, strategy: policy.cluster ?? 'failover' });
    if (probe === undefined) return this.strategyOf(policy.cluster)(this.invoker, call) as Observable<T>;
    return traced(probe, { ...call, probe }, (traced) => this.strategyOf(policy.cluster)(this.invoker, traced)) as Observable<T>;
  }

  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    if (pattern === undefined || pattern === null) return throwError(() => new InvalidMessageError('A call needs a pattern'));
    const normalized = typeof pattern === 'string' ? pattern : this.normalizePattern(pattern as never);
    return this.invoke<TResult>(normalized, data);
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const subscription = this.send(packet.pattern, packet.data).subscribe({
      next: (response) => callback({ response }),
      error: (err: unknown) => callback({ err, isDisposed: true }),
      complete: () => callback({ isDisposed: true }),
    });
    return () => subscription.unsubscribe();
  }

  /** Events go to one instance picked by the balancer, with failover when the event was not sent. */
  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    this.pool.start();
    const pattern = typeof packet.pattern === 'string' ? packet.pattern : this.normalizePattern(packet.pattern);
    const policy = this.policyFor(pattern);
    const { payload, overrides } = unwrapRecord(packet.data);
    const options = resolveCallOptions(policy, overrides, currentCallScope(), this.defaultTimeoutMs);
    const key = this.hashByKey ? defaultRoutingKey(payload) : undefined;
    const call: ClusterCall = { pattern, data: payload, policy, options: { ...options, key } };
    const tried = new Set<string>();
    for (;;) {
      const instance = this.invoker.pick(call, tried);
      tried.add(instance.id);
      const client = this.pool.client(instance);
      try {
        await client.connect();
        await lastValueFrom(client.emit(pattern, packet.data), { defaultValue: undefined });
        return undefined as T;
      } catch (err) {
        this.pool.onFailure(instance, err);
        if (tried.size > options.retries) throw err;
      }
    }
  }

  private policyFor(method: string): MethodPolicy {
    let policy = this.policies.get(method);
    if (policy === undefined) {
      const merged: CallPolicy = { ...withoutUndefined(this.options), ...this.options.methods?.[method] };
      policy = {
        ...merged,
        cluster: merged.cluster ?? DEFAULT_CLUSTER_STRATEGY,
        retries: merged.retries ?? DEFAULT_RETRIES,
        idempotent: merged.idempotent ?? false,
        forks: merged.forks ?? DEFAULT_FORKS,
      };
      this.policies.set(method, policy);
    }
    return policy;
  }

  private strategyOf(name: ClusterStrategyName | undefined): ClusterStrategy {
    const strategy = this.strategies[name ?? DEFAULT_CLUSTER_STRATEGY];
    if (strategy === undefined) throw new TypeError(`Unknown cluster strategy "${name}" (known: ${Object.keys(this.strategies).join(', ')})`);
    return strategy;
  }
}

function withoutUndefined(options: RpcClusterClientOptions): CallPolicy {
  const { cluster, retries, timeoutMs, idempotent, fallback, forks } = options;
  return Object.fromEntries(Object.entries({ cluster, retries, timeoutMs, idempotent, fallback, forks }).filter(([, v]) => v !== undefined));
}

/** A method's policy with its defaults filled in. */
type MethodPolicy = ClusterCall['policy'] & { retries: number; idempotent: boolean };
