import type { GovernanceView, InstanceStats, LoadBalancer, ServiceInstance } from '@nestrpc/discovery';
import { NoProvidersError } from '@nestrpc/discovery';
import { RpcRecord } from '@nestrpc/transport';
import { defer, finalize, Observable, tap } from 'rxjs';
import { CallPolicy } from '../interfaces/cluster-options';
import { InstancePool } from './instance-pool';
import { RetryBudget } from './retry-budget';

/** One invocation as the cluster strategies see it. */
export interface ClusterCall {
  pattern: string;
  data: unknown;
  policy: Required<Pick<CallPolicy, 'retries' | 'idempotent' | 'forks'>> & CallPolicy;
  /** Routing key for consistent hashing. */
  key?: string;
}

/** What strategies build on: pick an instance (never one already tried), call it, account for it. */
export class ClusterInvoker {
  constructor(
    readonly pool: InstancePool,
    private readonly balancer: LoadBalancer,
    private readonly stats: InstanceStats,
    readonly budget: RetryBudget,
    private readonly governance?: GovernanceView,
  ) {}

  get service(): string {
    return this.pool.service;
  }

  get range(): string {
    return this.pool.range;
  }

  /** Healthy candidates not in `exclude`; throws NoProvidersError when there is none. */
  pick(call: ClusterCall, exclude: ReadonlySet<string> = new Set()): ServiceInstance {
    const healthy = this.governance?.apply(this.pool.healthy(), headersOf(call)) ?? this.pool.healthy();
    const candidates = exclude.size === 0 ? healthy : healthy.filter((i) => !exclude.has(i.id));
    const picked = this.balancer.pick(candidates, { key: call.key, load: (id) => this.stats.get(id) });
    if (picked !== undefined) return picked;
    const known = this.pool.all.length;
    const detail = known === 0 ? 'none registered' : exclude.size > 0 ? `all ${candidates.length} untried instances unavailable` : `${known} known, none taking traffic`;
    throw new NoProvidersError(this.service, this.range, detail);
  }

  /** Every healthy instance (broadcast). */
  everyone(): ServiceInstance[] {
    const healthy = (this.governance?.apply(this.pool.healthy()) ?? this.pool.healthy()).filter((i) => i.weight > 0);
    if (healthy.length === 0) throw new NoProvidersError(this.service, this.range, 'none taking traffic');
    return healthy;
  }

  attempt(instance: ServiceInstance, call: ClusterCall): Observable<unknown> {
    return defer(() => {
      const end = this.stats.begin(instance.id);
      const started = performance.now();
      const record = toRecord(call, instance.version);
      return this.pool
        .client(instance)
        .send(call.pattern, record)
        .pipe(
          tap({ error: (err: unknown) => this.pool.onFailure(instance, err), complete: () => this.pool.onSuccess(instance) }),
          finalize(() => end(performance.now() - started)),
        );
    });
  }
}

/** Governance routes on the call's headers (tag routes, direct address). */
const headersOf = (call: ClusterCall) => (call.data instanceof RpcRecord ? call.data.options.headers : undefined);

function toRecord(call: ClusterCall, version: string): RpcRecord {
  const { data, policy } = call;
  if (data instanceof RpcRecord) {
    return new RpcRecord(data.data, { timeoutMs: policy.timeoutMs, idempotent: policy.idempotent, ...data.options, version });
  }
  return new RpcRecord(data, { timeoutMs: policy.timeoutMs, idempotent: policy.idempotent, version });
}
