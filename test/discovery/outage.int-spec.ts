import { setTimeout as sleep } from 'timers/promises';
import { EtcdRegistry, ServiceInstance } from '@nestrpc/discovery';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';
import { instanceInit } from '../support/instances';
import { listOf, MemoryLogger, uniqueNamespace } from './helpers';
import { spawnTs, TsChild } from '../support/child-process';

const TTL_SECONDS = 2;

/** etcd goes away and comes back: the cache serves meanwhile, leases are re-granted, watchers resume. */
describe('EtcdRegistry through etcd outages', () => {
  let etcd: LocalEtcd;
  const registries: EtcdRegistry[] = [];
  const children: TsChild[] = [];

  beforeEach(async () => {
    etcd = await startEtcd();
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await etcd.stop();
  });

  async function setUp() {
    const ns = uniqueNamespace();
    const providerLog = new MemoryLogger();
    const consumerLog = new MemoryLogger();
    const provider = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, leaseTtlSeconds: TTL_SECONDS, callTimeoutMs: 1_000, logger: providerLog });
    const consumer = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, callTimeoutMs: 1_000, logger: consumerLog });
    registries.push(provider, consumer);
    await provider.register(instanceInit('survivor'));
    const lists: ServiceInstance[][] = [];
    consumer.watch('Hello').subscribe((l) => lists.push(l));
    await waitFor(() => lists.at(-1)?.length === 1, 'the consumer to see the provider', 5_000);
    const remote = spawnTs('test/discovery/fixtures/watcher.fixture.ts', { ETCD_ENDPOINTS: etcd.endpoints.join(','), NAMESPACE: ns, SERVICE: 'Hello' });
    children.push(remote);
    await remote.waitForStdoutLine(listOf(['survivor']), 'the remote watcher to see the provider');
    return { ns, provider, consumer, providerLog, consumerLog, lists, remote };
  }

  const leaseOf = async (key: string) => /"lease":(\d+)/.exec(await etcdctl(etcd.endpoints, 'get', key, '-w', 'json'))?.[1];

  it('keeps serving the cache while etcd is down longer than the TTL, then re-registers and resumes watching', async () => {
    const { ns, provider, consumer, providerLog, lists, remote } = await setUp();
    const key = `/${ns}/services/Hello/1.0.0/survivor`;
    const leaseBefore = await leaseOf(key);
    const listsBefore = lists.length;

    await etcd.killMember(1);
    const started = Date.now();
    expect((await consumer.instances('Hello')).map((i) => i.id)).toEqual(['survivor']);
    expect(Date.now() - started).toBeLessThan(500);
    await expect(provider.register(instanceInit('during-outage'))).rejects.toThrow(new RegExp(`etcd unreachable at ${etcd.endpoints[0]}`));
    await waitFor(() => providerLog.has(/etcd lease lost/), 'the provider to notice the lost lease', 2 * TTL_SECONDS * 1_000 + 3_000);
    expect((await consumer.instances('Hello')).map((i) => i.id)).toEqual(['survivor']);

    await etcd.restartMember(1);
    await waitFor(() => providerLog.has(/Re-registered 1 instance\(s\) under lease/), 'the re-registration log', 10_000);
    const leaseAfter = await leaseOf(key);
    expect(leaseAfter).toBeDefined();
    expect(leaseAfter).not.toBe(leaseBefore);

    await provider.register(instanceInit('newcomer'));
    await waitFor(() => lists.at(-1)?.map((i) => i.id).join() === 'newcomer,survivor', 'the in-process watcher to resume', 10_000);
    await remote.waitForStdoutLine(listOf(['newcomer', 'survivor']), 'the remote watcher to resume', 10_000);
    // The consumer never lost the survivor on the way.
    expect(lists.slice(listsBefore).every((l) => l.some((i) => i.id === 'survivor'))).toBe(true);
  });

  it('re-registers after etcd was frozen (a partition) longer than the TTL, without consumers seeing a gap', async () => {
    const { provider, providerLog, consumerLog, lists, remote } = await setUp();
    const listsBefore = lists.length;
    await etcd.pause(1);
    // Long enough for the lease to be declared lost (2 × TTL) and for gRPC keepalive to drop the watch stream.
    await sleep(9_000);
    await etcd.resume(1);
    await waitFor(() => providerLog.has(/Re-registered 1 instance\(s\)/), 'the re-registration', 10_000);
    await provider.register(instanceInit('newcomer'));
    await waitFor(() => lists.at(-1)?.map((i) => i.id).join() === 'newcomer,survivor', 'the in-process watcher to resume', 10_000);
    await remote.waitForStdoutLine(listOf(['newcomer', 'survivor']), 'the remote watcher to resume', 10_000);
    expect(consumerLog.has(/Watch of Hello disconnected/)).toBe(true);
    expect(lists.slice(listsBefore).every((l) => l.some((i) => i.id === 'survivor'))).toBe(true);
  });

  it('recovers when etcd comes back with an empty data directory', async () => {
    const { ns, provider, consumerLog, lists, remote } = await setUp();
    const listsBefore = lists.length;
    await etcd.killMember(1);
    await etcd.wipeMember(1);
    await sleep(500);
    await etcd.restartMember(1);

    await waitFor(async () => (await etcdctl(etcd.endpoints, 'get', '--prefix', '--keys-only', `/${ns}/`)).includes('survivor'), 'the provider to re-register into the new etcd', 15_000);
    await waitFor(() => consumerLog.has(/re-list/i), 'the consumer to notice the replaced etcd and re-list', 10_000);
    await provider.register(instanceInit('newcomer'));
    await waitFor(() => lists.at(-1)?.map((i) => i.id).join() === 'newcomer,survivor', 'the in-process watcher to follow the new etcd', 10_000);
    await remote.waitForStdoutLine(listOf(['newcomer', 'survivor']), 'the remote watcher to follow the new etcd', 10_000);
    expect(lists.slice(listsBefore).every((l) => l.some((i) => i.id === 'survivor'))).toBe(true);
  });

  it.each([
    { protection: true, held: true },
    { protection: false, held: false },
  ])('empty-push protection $protection: a sudden empty re-list is held back: $held', async ({ protection }) => {
    const ns = uniqueNamespace();
    await etcdctl(etcd.endpoints, 'put', `/${ns}/services/Hello/1.0.0/static`, JSON.stringify(instanceInit('static')));
    const logger = new MemoryLogger();
    const consumer = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, callTimeoutMs: 1_000, emptyPushProtection: protection, emptyPushHoldMs: 1_500, logger });
    registries.push(consumer);
    const lists: Array<{ at: number; ids: string }> = [];
    consumer.watch('Hello').subscribe((l) => lists.push({ at: Date.now(), ids: l.map((i) => i.id).join() }));
    await waitFor(() => lists.at(-1)?.ids === 'static', 'the instance', 5_000);

    await etcd.killMember(1);
    await etcd.wipeMember(1);
    await etcd.restartMember(1);
    await waitFor(() => logger.has(/re-list/i), 'the re-list against the new etcd', 10_000);
    await waitFor(() => lists.at(-1)?.ids === '', 'the empty list to be published in the end', 10_000);
    const emptyAt = lists.at(-1)!.at;
    const heldAt = logger.when(/empty-push protection/);
    if (protection) {
      // Served the old list for the whole hold, then believed etcd.
      expect(heldAt).toBeDefined();
      expect(emptyAt - heldAt!).toBeGreaterThanOrEqual(1_450);
      expect(lists.filter((l) => l.ids === '')).toHaveLength(1);
    } else {
      expect(heldAt).toBeUndefined();
      expect(emptyAt - logger.when(/re-list/i)!).toBeLessThan(1_000);
    }
  });
});
