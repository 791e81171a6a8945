import { DEFAULT_ROUTE_HEADER, EMPTY_GOVERNANCE_RULES, GovernanceView, InstanceStats, P2cBalancer, ServiceInstance, StaticRegistry, validateRoute, WeightedLeastRequestBalancer } from '@nestrpc/discovery';
import { ConnectionClosedError, HeartbeatTimeoutError, RpcRecord, RpcServer, ServerOverloadedError } from '@nestrpc/transport';
import { lastValueFrom, Observable, of, throwError } from 'rxjs';
import { FAILURE_PENALTY_MS } from '../constants';
import { InstanceUnresponsiveError } from './call-errors';
import { ClusterInvoker } from './cluster-invoker';
import { InstancePool } from './instance-pool';
import { RetryBudget } from './retry-budget';
import { instance, instanceInit } from '../../../../test/support/instances';
import { fakeCall } from './testing/fake-invoker';

const inst = (id: string) => instance(id, { service: 'Svc', port: 1 });

/** A pool whose instances answer as `answer` says, recording what each attempt sent. */
function fakePool(instances: ServiceInstance[], answer: (id: string) => Observable<unknown>, sent: RpcRecord[] = []): InstancePool {
  return {
    service: 'Svc',
    range: '*',
    all: instances,
    healthy: () => instances,
    begin: () => () => undefined,
    onProgress: () => undefined,
    client: (i: ServiceInstance) => ({
      send: (_pattern: string, record: RpcRecord) => {
        sent.push(record);
        return answer(i.id);
      },
    }),
  } as unknown as InstancePool;
}

describe('ClusterInvoker', () => {
  it('charges a fast health failure as slow, so p2c (or the default balancer) never favours a fast-failing instance', async () => {
    const stats = new InstanceStats();
    const instances = [inst('failing'), inst('healthy')];
    const pool = fakePool(instances, (id) => (id === 'failing' ? throwError(() => new ServerOverloadedError('full')) : of('ok')));
    for (const balancer of [new P2cBalancer(), new WeightedLeastRequestBalancer()]) {
      const invoker = new ClusterInvoker(pool, balancer, stats, new RetryBudget());
      await lastValueFrom(invoker.attempt(instances[0], fakeCall())).catch(() => undefined);
      await lastValueFrom(invoker.attempt(instances[1], fakeCall()));
      expect(stats.get('failing').ewmaLatencyMs).toBeGreaterThanOrEqual(FAILURE_PENALTY_MS);
      const picks = Array.from({ length: 200 }, () => invoker.pick(fakeCall()).id);
      expect(picks.filter((p) => p === 'failing').length).toBeLessThan(10);
    }
  });

  it('does not charge a domain error: the instance answered', async () => {
    const stats = new InstanceStats();
    const instances = [inst('a')];
    const invoker = new ClusterInvoker(fakePool(instances, () => throwError(() => ({ status: 'error', code: 'NOPE', message: 'no' }))), new P2cBalancer(), stats, new RetryBudget());
    await lastValueFrom(invoker.attempt(instances[0], fakeCall())).catch(() => undefined);
    expect(stats.get('a').ewmaLatencyMs).toBeLessThan(100);
  });

  it('sends every attempt the resolved options unchanged: deadline, idempotent flag, headers, trace, version', async () => {
    const sent: RpcRecord[] = [];
    const instances = [inst('a')];
    const invoker = new ClusterInvoker(fakePool(instances, () => of('ok'), sent), new P2cBalancer(), new InstanceStats(), new RetryBudget());
    const call = fakeCall({ deadline: 123_456, idempotent: true, headers: { tenant: 'a' }, traceparent: '00-x-y-01' });
    await lastValueFrom(invoker.attempt(instances[0], call));
    expect(sent[0].options).toEqual({ deadline: 123_456, idempotent: true, headers: { tenant: 'a' }, traceparent: '00-x-y-01', version: '1.0.0' });
  });

  it('reports a connection that died of silence as a clear timeout', async () => {
    const instances = [inst('frozen')];
    const dead = new ConnectionClosedError('heartbeat', { cause: new HeartbeatTimeoutError(2_000), written: true });
    const invoker = new ClusterInvoker(fakePool(instances, () => throwError(() => dead)), new P2cBalancer(), new InstanceStats(), new RetryBudget());
    const error = await lastValueFrom(invoker.attempt(instances[0], fakeCall())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceUnresponsiveError);
    expect((error as Error).message).toMatch(/127\.0\.0\.1:1 stopped answering .* may have run/);
  });
});

describe('ClusterInvoker with governance rules', () => {
  it('keeps untagged calls off a reserved canary even when the canary is the only instance that passed its probe', async () => {
    const canaryServer = new RpcServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => canaryServer.listen((err?: unknown) => (err ? reject(err) : resolve())));
    const canaryPort = canaryServer.address().port;
    const registry = new StaticRegistry();
    // The stable instance's address refuses connections, so only the canary ever becomes ready.
    await registry.register(instanceInit('stable', { service: 'Svc', port: 1 }));
    await registry.register(instanceInit('canary', { service: 'Svc', port: canaryPort }));
    const pool = new InstancePool(registry, 'Svc', '*', { probeTimeoutMs: 300 });
    const route = validateRoute({ tag: 'canary', addresses: [`127.0.0.1:${canaryPort}`] });
    const governance = new GovernanceView({ watch: () => of({ ...EMPTY_GOVERNANCE_RULES, routes: { canary: route } }) }, 'Svc');
    const invoker = new ClusterInvoker(pool, new WeightedLeastRequestBalancer(), new InstanceStats(), new RetryBudget(), governance);
    try {
      pool.start();
      const end = Date.now() + 3_000;
      while (pool.stateOf('canary') !== 'ready' && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(pool.stateOf('canary')).toBe('ready');
      const untagged = Array.from({ length: 20 }, () => invoker.pick(fakeCall()).id);
      expect(new Set(untagged)).toEqual(new Set(['stable']));
      expect(invoker.pick(fakeCall({ headers: { [DEFAULT_ROUTE_HEADER]: 'canary' } })).id).toBe('canary');
    } finally {
      await governance.close();
      await pool.close();
      await registry.close();
      await canaryServer.close();
    }
  });
});
