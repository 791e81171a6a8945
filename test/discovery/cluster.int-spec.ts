import { EtcdRegistry, ServiceInstance } from '@nestrpc/discovery';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';
import { instanceInit } from '../support/instances';
import { MemoryLogger, uniqueNamespace } from './helpers';

/**
 * Resolves once the remaining `endpoints` agree on a leader that is one of them. Right after the
 * leader is killed the others still name it until their election timeout, so "some leader" is not
 * enough. Ids are uint64: compared as text, never through JSON.parse.
 */
async function waitForLeader(endpoints: string[]): Promise<void> {
  await waitFor(
    async () => {
      const status = await etcdctl(endpoints, 'endpoint', 'status', '-w', 'json').catch(() => '[]');
      const members = [...status.matchAll(/"member_id":(\d+)/g)].map((m) => m[1]);
      const leaders = [...status.matchAll(/"leader":(\d+)/g)].map((m) => m[1]);
      return members.length === endpoints.length && leaders.length === endpoints.length && leaders.every((l) => l === leaders[0] && members.includes(l));
    },
    'a leader among the remaining members',
    15_000,
    200,
  );
}

/** A 3-member etcd keeps discovery working while any one member is down. */
describe('EtcdRegistry on a 3-node etcd cluster', () => {
  let etcd: LocalEtcd;
  const registries: EtcdRegistry[] = [];

  beforeAll(async () => {
    etcd = await startEtcd({ nodes: 3 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(registries.map((r) => r.close()));
    await etcd?.stop();
  });

  it('keeps registering, updating and watching while one member after another is down', async () => {
    const ns = uniqueNamespace();
    const provider = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, leaseTtlSeconds: 5, callTimeoutMs: 3_000, logger: new MemoryLogger() });
    const consumer = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, callTimeoutMs: 3_000, logger: new MemoryLogger() });
    registries.push(provider, consumer);
    const lists: ServiceInstance[][] = [];
    consumer.watch('Hello').subscribe((l) => lists.push(l));
    const latest = () => (lists.at(-1) ?? []).map((i) => `${i.id}:${i.weight}`).join(',');

    await provider.register(instanceInit('a'));
    await waitFor(() => latest() === 'a:1', 'a registered', 5_000);

    for (const member of [1, 2]) {
      await etcd.killMember(member);
      // Writes need a leader: if the killed member led, the others elect a new one first (~1-2 s).
      await waitForLeader(etcd.endpoints.filter((_, i) => i !== member - 1));
      await provider.update(instanceInit('a', { weight: member + 1 }));
      await provider.register(instanceInit(`b${member}`));
      await waitFor(() => latest() === `a:${member + 1},b${member}:1`, `changes while member ${member} is down`, 10_000);
      await provider.deregister(`b${member}`);
      await waitFor(() => latest() === `a:${member + 1}`, `deregistration while member ${member} is down`, 10_000);
      await etcd.restartMember(member);
    }
    const fresh = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, logger: new MemoryLogger() });
    registries.push(fresh);
    expect((await fresh.instances('Hello')).map((i) => i.id)).toEqual(['a']);
  });

  it('catches up after its member was down while the revisions it missed were compacted', async () => {
    const ns = uniqueNamespace();
    const [m1, m2, m3] = etcd.endpoints;
    const provider = new EtcdRegistry({ hosts: [m1, m2], namespace: ns, callTimeoutMs: 2_000, logger: new MemoryLogger() });
    const consumerLog = new MemoryLogger();
    // The consumer only knows member 3: while it is down, its watcher falls behind.
    const consumer = new EtcdRegistry({ hosts: [m3], namespace: ns, callTimeoutMs: 2_000, logger: consumerLog });
    registries.push(provider, consumer);
    const lists: ServiceInstance[][] = [];
    consumer.watch('Hello').subscribe((l) => lists.push(l));
    const latest = () => (lists.at(-1) ?? []).map((i) => i.id).join(',');
    await provider.register(instanceInit('old'));
    await waitFor(() => latest() === 'old', 'the first instance', 5_000);

    await etcd.killMember(3);
    // Writes need a leader: if member 3 led, members 1 and 2 elect a new one first.
    await waitForLeader([m1, m2]);
    await provider.register(instanceInit('new'));
    await provider.deregister('old');
    const revision = /"revision":(\d+)/.exec(await etcdctl([m1], 'endpoint', 'status', '-w', 'json'))![1];
    await etcdctl([m1, m2], 'compact', revision, '--physical');
    await etcd.restartMember(3);

    await waitFor(() => latest() === 'new', 'the consumer to converge after compaction', 15_000);
    // Re-listed (on reconnect, or on the compaction error if the stream resumed first), not replayed.
    expect(consumerLog.has(/re-listing/)).toBe(true);
  });
});
