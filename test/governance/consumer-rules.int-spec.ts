import { RpcClusterClient } from '@nestrpc/client';
import { DIRECT_ADDRESS_HEADER, EtcdGovernanceStore, EtcdRegistry } from '@nestrpc/discovery';
import { RpcRecord } from '@nestrpc/transport';
import { lastValueFrom } from 'rxjs';
import { GreeterProvider, startGreeter } from '../client/fixtures/greeter';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';

/**
 * Consumers apply the operators' rules live: real etcd, real providers (in-process RPC servers
 * registered with tags), a cluster client discovering them, rules written by the store the CLI uses.
 */
describe('a cluster client follows governance rules from etcd', () => {
  const ns = 'gov-consumer';
  let etcd: LocalEtcd;
  let registry: EtcdRegistry;
  let store: EtcdGovernanceStore;
  let consumer: RpcClusterClient;
  const providers: GreeterProvider[] = [];
  const address = (name: string) => `127.0.0.1:${providers.find((p) => p.name === name)?.port}`;

  const call = (headers?: Record<string, string>) => lastValueFrom(consumer.send<string>('GreeterService.whoami', new RpcRecord([], { headers })));
  async function servedBy(n: number, headers?: Record<string, string>): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const who = await call(headers);
      counts[who] = (counts[who] ?? 0) + 1;
    }
    return counts;
  }
  /** ms from now until `ok` holds for 12 calls in a row. */
  async function msUntil(ok: (who: string) => boolean, headers?: Record<string, string>): Promise<number> {
    const started = performance.now();
    let streak = 0;
    while (streak < 12) {
      streak = ok(await call(headers)) ? streak + 1 : 0;
      if (performance.now() - started > 10_000) throw new Error('rule never applied');
    }
    return performance.now() - started;
  }

  beforeAll(async () => {
    etcd = await startEtcd();
    const options = { hosts: etcd.endpoints, namespace: ns };
    registry = new EtcdRegistry(options);
    store = new EtcdGovernanceStore(options);
    for (const [name, tags] of [['stable-a', []], ['stable-b', []], ['canary', ['canary']]] as const) {
      const p = await startGreeter(name);
      providers.push(p);
      await registry.register({ id: name, service: 'GreeterService', version: '1.0.0', host: '127.0.0.1', port: p.port, tags: [...tags] });
    }
    consumer = new RpcClusterClient({ service: 'GreeterService', registry: { etcd: options }, balancer: 'weighted-round-robin', timeoutMs: 5_000 });
    await consumer.connect();
    await waitFor(() => consumer.instances().length === 3, 'the consumer to discover 3 instances', 10_000);
  }, 60_000);

  afterEach(async () => {
    await etcdctl(etcd.endpoints, 'del', '--prefix', `/${ns}/governance/`);
    await waitFor(async () => Object.keys(await servedBy(12)).length === 3, 'rules to be lifted', 5_000);
  });

  afterAll(async () => {
    await consumer?.close();
    await store?.close();
    await registry?.close();
    await Promise.all(providers.map((p) => p.close()));
    await etcd?.stop();
  });

  it('a weight change shifts traffic within a second (0 drains, then 4:1:1)', async () => {
    await store.setOverride('GreeterService', 'stable-a', { weight: 0 });
    const drainMs = await msUntil((who) => who !== 'stable-a');
    expect(drainMs).toBeLessThan(1_000);
    await store.setOverride('GreeterService', address('stable-a'), { weight: 4 });
    await store.clearOverride('GreeterService', 'stable-a');
    const shiftMs = await msUntil(() => true); // let the change arrive; then measure the split
    expect(shiftMs).toBeLessThan(1_000);
    await waitFor(async () => ((await servedBy(6))['stable-a'] ?? 0) === 4, 'the 4:1:1 split', 2_000);
    expect(await servedBy(60)).toEqual({ 'stable-a': 40, 'stable-b': 10, canary: 10 });
  });

  it('a canary route sends only tagged calls to the canary, with fallback when it is disabled', async () => {
    const tagged = { 'x-nestrpc-tag': 'canary' };
    await store.setRoute('GreeterService', 'canary', { tag: 'canary' });
    expect(await msUntil((who) => who === 'canary', tagged)).toBeLessThan(1_000);
    expect(await servedBy(20, tagged)).toEqual({ canary: 20 });
    const untagged = await servedBy(20);
    expect(untagged.canary).toBeUndefined();
    expect(untagged['stable-a'] + untagged['stable-b']).toBe(20);

    await store.setOverride('GreeterService', 'canary', { disabled: true });
    expect(await msUntil((who) => who !== 'canary', tagged)).toBeLessThan(1_000); // fallback 'any'
    await store.setRoute('GreeterService', 'canary', { tag: 'canary', fallback: 'fail' });
    await waitFor(() => call(tagged).then(() => false, (err: { code?: string }) => err.code === 'NO_PROVIDERS'), 'tagged calls to fail without a canary', 2_000);
  });

  it('keeps its previous rules when it reads an invalid one', async () => {
    const tagged = { 'x-nestrpc-tag': 'canary' };
    await store.setRoute('GreeterService', 'canary', { tag: 'canary' });
    await msUntil((who) => who === 'canary', tagged);
    await etcdctl(etcd.endpoints, 'put', `/${ns}/governance/GreeterService/routes/canary`, '{"tag":"canary","fallback":"sideways"}');
    await etcdctl(etcd.endpoints, 'put', `/${ns}/governance/GreeterService/access`, 'not json');
    await new Promise((r) => setTimeout(r, 300)); // more than the consumer needs to see a valid change
    expect(await servedBy(10, tagged)).toEqual({ canary: 10 });
    expect(Object.keys(await servedBy(12)).sort()).toEqual(['stable-a', 'stable-b']);
  });

  it('applies deny lists by address, and pins a call to a direct address', async () => {
    await store.setAccess('GreeterService', { deny: [address('stable-b')] });
    expect(await msUntil((who) => who !== 'stable-b')).toBeLessThan(1_000);
    expect(await servedBy(10, { [DIRECT_ADDRESS_HEADER]: address('canary') })).toEqual({ canary: 10 });
    await expect(call({ [DIRECT_ADDRESS_HEADER]: address('stable-b') })).rejects.toMatchObject({ code: 'NO_PROVIDERS' });
  });

  it('keeps applying the last rules while etcd is down, and follows new ones once it is back', async () => {
    await store.setOverride('GreeterService', 'stable-a', { disabled: true });
    await msUntil((who) => who !== 'stable-a');
    await etcd.killMember(1);
    try {
      expect(await msUntil((who) => who !== 'stable-a')).toBeLessThan(1_000); // still disabled, from memory
    } finally {
      await etcd.restartMember(1);
    }
    await store.setOverride('GreeterService', 'stable-b', { disabled: true });
    // After the restart the watch reconnects and re-lists (etcd3 backoff + re-list, a few seconds at most).
    await waitFor(async () => Object.keys(await servedBy(12)).join() === 'canary', 'the rule written after the restart', 15_000);
  }, 40_000);
});
