import { firstValueFrom, filter, Subscription } from 'rxjs';
import { EtcdRegistry, InvalidServiceNameError, InvalidVersionRangeError, ServiceInstance } from '@nestrpc/discovery';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';
import { instanceInit } from '../support/instances';
import { listOf, MemoryLogger, uniqueNamespace } from './helpers';
import { spawnTs, TsChild } from '../support/child-process';

describe('EtcdRegistry against a real etcd', () => {
  let etcd: LocalEtcd;
  const registries: EtcdRegistry[] = [];
  const children: TsChild[] = [];

  const open = (namespace: string, extra: Partial<ConstructorParameters<typeof EtcdRegistry>[0]> = {}) => {
    const registry = new EtcdRegistry({ hosts: etcd.endpoints, namespace, logger: new MemoryLogger(), ...extra });
    registries.push(registry);
    return registry;
  };
  const spawnChild = (script: string, env: Record<string, string>) => {
    const child = spawnTs(`test/discovery/${script}`, { ETCD_ENDPOINTS: etcd.endpoints.join(','), ...env });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    etcd = await startEtcd();
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    await Promise.all(registries.map((r) => r.close()));
    await etcd?.stop();
  });

  it('stores instances under /<ns>/services/<service>/<version>/<id> as JSON on a lease', async () => {
    const ns = uniqueNamespace();
    const registry = open(ns, { leaseTtlSeconds: 7 });
    await registry.register(instanceInit('a-1', { weight: 2, tags: ['blue'], metadata: { zone: 'z1' }, serializers: ['json'] }));
    const out = await etcdctl(etcd.endpoints, 'get', '--prefix', `/${ns}/services/`);
    const [key, value] = out.trim().split('\n');
    expect(key).toBe(`/${ns}/services/Hello/1.0.0/a-1`);
    expect(JSON.parse(value)).toMatchObject({ id: 'a-1', service: 'Hello', version: '1.0.0', weight: 2, tags: ['blue'], metadata: { zone: 'z1' }, serializers: ['json'] });
    // Lease ids are 64-bit: read them from the raw JSON text, not through JSON.parse.
    const raw = await etcdctl(etcd.endpoints, 'get', key, '-w', 'json');
    const leaseId = BigInt(/"lease":(\d+)/.exec(raw)![1]).toString(16);
    expect(await etcdctl(etcd.endpoints, 'lease', 'timetolive', leaseId)).toMatch(/granted with TTL\(7s\)/);
  });

  it('shows a registration, a weight change and a deregistration to a watcher in another process', async () => {
    const ns = uniqueNamespace();
    const watcher = spawnChild('fixtures/watcher.fixture.ts', { NAMESPACE: ns, SERVICE: 'Hello', RANGE: '^1' });
    await watcher.waitForStdoutLine(listOf([]), 'the initial empty list');
    const registry = open(ns);
    await registry.register(instanceInit('p-1'));
    await watcher.waitForStdoutLine(listOf(['p-1'], [1]), 'p-1 registered');
    await registry.update(instanceInit('p-1', { weight: 0 }));
    await watcher.waitForStdoutLine(listOf(['p-1'], [0]), 'the weight change');
    const seen = watcher.stdoutLines().length;
    const start = Date.now();
    await registry.deregister('p-1');
    await watcher.waitForStdoutLine(listOf([]), 'the deregistration', 5_000, seen);
    expect(Date.now() - start).toBeLessThan(2_000);
  });

  it('removes the instances of a process killed with SIGKILL once its lease expires', async () => {
    const ns = uniqueNamespace();
    const consumer = open(ns);
    const lists: ServiceInstance[][] = [];
    const sub = consumer.watch('Hello').subscribe((list) => lists.push(list));
    try {
      const provider = spawnChild('fixtures/provider.fixture.ts', { NAMESPACE: ns, SERVICE: 'Hello', ID: 'doomed', TTL: '2' });
      await provider.waitForStdoutLine((l) => (l === 'REGISTERED doomed' ? l : undefined), 'registration');
      await waitFor(() => lists.at(-1)?.length === 1, 'the watcher to see the provider', 5_000);
      await provider.stop('SIGKILL');
      const killedAt = Date.now();
      await waitFor(() => lists.at(-1)?.length === 0, 'lease expiry to remove the instance', 6_000);
      // Removed within the TTL (2 s) plus etcd's 500 ms expiry sweep and propagation (slack for loaded CI).
      expect(Date.now() - killedAt).toBeLessThan(4_000);
    } finally {
      sub.unsubscribe();
    }
  });

  it('lets consumers select versions by semver range while versions run side by side', async () => {
    const ns = uniqueNamespace();
    const registry = open(ns);
    await registry.register(instanceInit('v100', { version: '1.0.0' }));
    await registry.register(instanceInit('v120', { version: '1.2.0' }));
    await registry.register(instanceInit('v126', { version: '1.2.6' }));
    await registry.register(instanceInit('v200', { version: '2.0.0' }));
    const consumer = open(ns);
    const ids = async (range: string) => (await consumer.instances('Hello', range)).map((i) => i.id);
    expect(await ids('^1')).toEqual(['v100', 'v120', 'v126']);
    expect(await ids('1.2.x')).toEqual(['v120', 'v126']);
    expect(await ids('2.0.0')).toEqual(['v200']);
    expect(await ids('*')).toEqual(['v100', 'v120', 'v126', 'v200']);
    const v2 = await firstValueFrom(consumer.watch('Hello', '2.x').pipe(filter((l) => l.length > 0)));
    expect(v2.map((i) => [i.id, i.version])).toEqual([['v200', '2.0.0']]);
    await registry.register(instanceInit('v210', { version: '2.1.0' }));
    const both = await firstValueFrom(consumer.watch('Hello', '^2').pipe(filter((l) => l.length === 2)));
    expect(both.map((i) => i.id)).toEqual(['v200', 'v210']);
  });

  it('refuses bad names and ranges before touching etcd', () => {
    const registry = open(uniqueNamespace());
    expect(() => registry.watch('Hello', '^^1')).toThrow(InvalidVersionRangeError);
    expect(() => registry.watch('bad/name')).toThrow(InvalidServiceNameError);
    expect(() => new EtcdRegistry({ hosts: etcd.endpoints, leaseTtlSeconds: 0 })).toThrow(/leaseTtlSeconds/);
  });

  it('shares one etcd watcher between watchers of the same service', async () => {
    const ns = uniqueNamespace();
    const registry = open(ns);
    const watchers = async () => Number(/^etcd_debugging_mvcc_watcher_total (\d+)/m.exec(await (await fetch(`${etcd.endpoints[0]}/metrics`)).text())?.[1]);
    // etcd counts every watcher on the server; earlier tests' watchers may still be winding down.
    const stableWatchers = async (): Promise<number> => {
      let last = await watchers();
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const now = await watchers();
        if (now === last) return now;
        last = now;
      }
      throw new Error(`etcd's watcher count did not settle (last ${last})`);
    };
    const before = await stableWatchers();
    const subs: Subscription[] = [];
    const firsts = [0, 1, 2].map(() => new Promise<void>((done) => subs.push(registry.watch('Hello', ['^1', '*', '2.x'][subs.length]).subscribe(() => done()))));
    await Promise.all(firsts);
    await waitFor(async () => (await watchers()) === before + 1, 'one etcd watcher', 3_000);
    for (const sub of subs) sub.unsubscribe();
    await waitFor(async () => (await watchers()) <= before, 'the watcher cancelled after the last unsubscribe', 3_000);
  });

  it('skips malformed entries without dropping the valid ones', async () => {
    const ns = uniqueNamespace();
    const logger = new MemoryLogger();
    const registry = open(ns, { logger });
    await registry.register(instanceInit('good'));
    const lists: ServiceInstance[][] = [];
    const sub = registry.watch('Hello').subscribe((l) => lists.push(l));
    try {
      await waitFor(() => lists.at(-1)?.length === 1, 'the valid instance');
      await etcdctl(etcd.endpoints, 'put', `/${ns}/services/Hello/1.0.0/broken`, '{not json');
      await etcdctl(etcd.endpoints, 'put', `/${ns}/services/Hello/1.0.0/liar`, JSON.stringify({ ...instanceInit('other'), version: '1.0.0' }));
      await etcdctl(etcd.endpoints, 'put', `/${ns}/services/Hello/9.9.9/late`, JSON.stringify(instanceInit('late', { version: '9.9.9' })));
      await waitFor(() => lists.at(-1)?.length === 2, 'the valid late entry');
      expect(lists.at(-1)!.map((i) => i.id)).toEqual(['good', 'late']);
      expect(logger.has(/Skipping invalid registry entry .*broken/)).toBe(true);
      expect(logger.has(/Skipping invalid registry entry .*liar: value .* does not match its key/)).toBe(true);
      expect((await open(ns).instances('Hello')).map((i) => i.id)).toEqual(['good', 'late']);
    } finally {
      sub.unsubscribe();
    }
  });

  it('revokes the lease on close so instances disappear at once, and completes watchers', async () => {
    const ns = uniqueNamespace();
    const provider = open(ns, { leaseTtlSeconds: 30 });
    await provider.register(instanceInit('leaving'));
    const consumer = open(ns);
    const lists: ServiceInstance[][] = [];
    let completed = false;
    consumer.watch('Hello').subscribe({ next: (l) => lists.push(l), complete: () => (completed = true) });
    await waitFor(() => lists.at(-1)?.length === 1, 'the instance');
    const start = Date.now();
    await provider.close();
    await provider.close();
    await waitFor(() => lists.at(-1)?.length === 0, 'the instance gone after close', 2_000);
    expect(Date.now() - start).toBeLessThan(1_500);
    await expect(provider.register(instanceInit('x'))).rejects.toThrow(/closed/);
    await consumer.close();
    expect(completed).toBe(true);
  });
});
