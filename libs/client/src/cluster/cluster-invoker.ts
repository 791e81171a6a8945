import type { GovernanceView, InstanceStats, LoadBalancer, ServiceInstance } from '@nestrpc/discovery';
import { NoProvidersError } from '@nestrpc/discovery';
import { LogicalCallProbe, RpcInstrumentation, rpcInstrumentation, RpcRecord } from '@nestrpc/transport';
import { defer, Observable } from 'rxjs';
import { FAILURE_PENALTY_MS } from '../constants';
import { CallPolicy } from '../interfaces/cluster-options';
import { clarify, isHealthFailure } from './call-errors';
import { attemptOptions, ResolvedCallOptions } from './call-options';
import { InstancePool } from './instance-pool';
import { RetryBudget } from './retry-budget';

/** One invocation as the cluster strategies see it. */
export interface ClusterCall {
  pattern: string;
  /** The payload (never an RpcRecord: its options were resolved into `options`). */
  data: unknown;
  /** Strategy settings of the method (cluster, forks, fallback). */
  policy: Required<Pick<CallPolicy, 'forks'>> & CallPolicy;
  /** Resolved once where the call entered the client; every attempt sends them unchanged. */
  options: ResolvedCallOptions;
  /** Instrumentation of the logical call (its span is the attempts' parent), when installed. */
  probe?: LogicalCallProbe;
  /** Attempts made so far (instrumentation counts the ones after the first as retries). */
  attempts?: number;
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
    const healthy = this.candidates(call.options.headers);
    const candidates = exclude.size === 0 ? healthy : healthy.filter((i) => !exclude.has(i.id));
    const picked = this.balancer.pick(candidates, { key: call.options.key, stats: this.stats });
    if (picked !== undefined) return picked;
    const known = this.pool.all.length;
    const detail = known === 0 ? 'none registered' : exclude.size > 0 ? `all ${candidates.length} untried instances unavailable` : `${known} known, none taking traffic`;
    throw new NoProvidersError(this.service, this.range, detail);
  }

  /** Every healthy instance (broadcast). */
  everyone(): ServiceInstance[] {
    const healthy = this.candidates(undefined).filter((i) => i.weight > 0);
    if (healthy.length === 0) throw new NoProvidersError(this.service, this.range, 'none taking traffic');
    return healthy;
  }

  /**
   * The instances a call may go to. Governance rules choose among every registered instance
   * (with their effective weights) before health narrows them: judged on the healthy ones only,
   * a route's "only reserved instances left" fallback would send ordinary calls to a canary
   * whenever it happened to pass its probe before the stable instances did.
   */
  private candidates(headers: Readonly<Record<string, string>> | undefined): ServiceInstance[] {
    if (this.governance === undefined) return this.pool.healthy();
    const all = this.pool.all;
    const governed = this.governance.apply(all, headers);
    if (governed === all) return this.pool.healthy();
    const byId = new Map(governed.map((i) => [i.id, i]));
    return this.pool.healthy((id) => byId.has(id)).map((i) => byId.get(i.id)!);
  }

  /**
   * One attempt on `instance`. Feeds the balancer's stats (a health failure is charged at least
   * FAILURE_PENALTY_MS, so failing fast never looks cheap) and the pool's health model.
   */
  attempt(instance: ServiceInstance, call: ClusterCall): Observable<unknown> {
    return defer(
      () =>
        new Observable<unknown>((subscriber) => {
          const endStats = this.stats.begin(instance.id);
          const endHealth = this.pool.begin(instance);
          const started = performance.now();
          const record = new RpcRecord(call.data, attemptOptions(call.options, instance.version));
          let settled = false;
          const instrumentation = rpcInstrumentation();
          if (instrumentation !== undefined) signalAttempt(instrumentation, this.service, call);
          const send = () => this.pool.client(instance).send(call.pattern, record);
          // A retry runs in a socket callback: re-enter the logical call's context so it stays the parent.
          const subscription = (call.probe?.run === undefined ? send() : call.probe.run(send)).subscribe({
              next: (value) => {
                this.pool.onProgress(instance);
                subscriber.next(value);
              },
              error: (err: unknown) => {
                settled = true;
                const latency = performance.now() - started;
                endStats(isHealthFailure(err) ? Math.max(latency, FAILURE_PENALTY_MS) : latency);
                endHealth({ error: err });
                subscriber.error(clarify(err, call.pattern, `${instance.host}:${instance.port}`));
              },
              complete: () => {
                settled = true;
                endStats(performance.now() - started);
                endHealth('ok');
                subscriber.complete();
              },
            });
          return () => {
            subscription.unsubscribe();
            if (!settled) {
              endStats();
              endHealth('cancelled');
            }
          };
        }),
    );
  }
}

function signalAttempt(instrumentation: RpcInstrumentation, service: string, call: ClusterCall): void {
  instrumentation.cluster?.({ type: 'attempt', service });
  call.attempts = (call.attempts ?? 0) + 1;
  if (call.attempts > 1) call.probe?.retried();
}
