import { Etcd3 } from 'etcd3';
import { etcdctl, LocalEtcd, startEtcd } from '../../../../../test/support/etcd';
import { instance } from '../../../../../test/support/instances';
import { waitFor } from '../../../../../test/support/wait-for';
import { InvalidInstanceError } from '../../errors/invalid-instance.error';
import { RegistryUnavailableError } from '../../errors/registry-unavailable.error';
import { instanceKey } from '../../instance/key-layout';
import { createEtcdClient } from './etcd-client.factory';
import { EtcdKv } from './etcd-kv';
import { LeaseKeeper } from './lease-keeper';

const CALL_TIMEOUT_MS = 1_000;
let counter = 0;

/** LeaseKeeper against a real etcd (test/support/etcd.ts); what is in etcd is read with etcdctl. */
describe('LeaseKeeper', () => {
  let etcd: LocalEtcd;
  let client: Etcd3;
  let keeper: LeaseKeeper;
  let namespace: string;
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };

  /** The key's lease id (hex, as etcdctl prints it) or undefined when the key is absent. */
  async function leaseOf(key: string): Promise<string | undefined> {
    // Lease ids are 64-bit: read the digits, since JSON.parse would round them.
    const lease = /"lease":(\d+)/.exec(await etcdctl(etcd.endpoints, 'get', key, '-w', 'json'))?.[1];
    return lease === undefined ? undefined : BigInt(lease).toString(16);
  }
  const keyOf = (id: string, version = '1.0.0') => instanceKey(namespace, 'Hello', version, id);

  beforeAll(async () => {
    etcd = await startEtcd();
  }, 60_000);

  afterAll(async () => {
    await etcd?.stop();
  });

  beforeEach(() => {
    namespace = `lk${process.pid}-${++counter}`;
    Object.values(logger).forEach((fn) => fn.mockClear());
    client = createEtcdClient({ hosts: etcd.endpoints }, CALL_TIMEOUT_MS);
    keeper = new LeaseKeeper(new EtcdKv(client, etcd.endpoints, CALL_TIMEOUT_MS), namespace, 10, logger);
  });

  afterEach(async () => {
    await keeper.close(300);
    client.close();
  });

  it('puts every instance under one shared lease, and is alive only once it holds one', async () => {
    expect(keeper.leaseAlive).toBe(false);
    await keeper.put(instance('a'), false);
    await keeper.put(instance('b'), false);
    expect(keeper.leaseAlive).toBe(true);
    expect(keeper.size).toBe(2);
    const [a, b] = [await leaseOf(keyOf('a')), await leaseOf(keyOf('b'))];
    expect(a).toBeDefined();
    expect(b).toBe(a);
    const stored = JSON.parse(await etcdctl(etcd.endpoints, 'get', keyOf('a'), '--print-value-only')) as { id: string; port: number };
    expect(stored).toMatchObject({ id: 'a', service: 'Hello', port: 4000 });
  });

  it('refuses an update of an instance it never registered, writing nothing', async () => {
    await expect(keeper.put(instance('ghost'), true)).rejects.toBeInstanceOf(InvalidInstanceError);
    expect(keeper.size).toBe(0);
    expect(await leaseOf(keyOf('ghost'))).toBeUndefined();
  });

  it('moves the key when an update changes it (new version): the old key is deleted', async () => {
    await keeper.put(instance('a'), false);
    await keeper.put(instance('a', { version: '1.1.0' }), true);
    expect(await leaseOf(keyOf('a'))).toBeUndefined();
    expect(await leaseOf(keyOf('a', '1.1.0'))).toBeDefined();
    expect(keeper.size).toBe(1);
  });

  it('re-grants a lost lease and puts every key again under the new one', async () => {
    await keeper.put(instance('a'), false);
    await keeper.put(instance('b'), false);
    const first = (await leaseOf(keyOf('a')))!;
    await etcdctl(etcd.endpoints, 'lease', 'revoke', first); // what an outage longer than the TTL does
    expect(await leaseOf(keyOf('a'))).toBeUndefined();
    await waitFor(async () => (await leaseOf(keyOf('a'))) !== undefined && (await leaseOf(keyOf('b'))) !== undefined, 'both keys back', 15_000, 100);
    const second = await leaseOf(keyOf('a'));
    expect(second).not.toBe(first);
    expect(await leaseOf(keyOf('b'))).toBe(second);
    await waitFor(() => keeper.leaseAlive, 'the keeper to report its lease alive again', 5_000);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/etcd lease lost .*will re-register 2 instance\(s\)/));
    expect(logger.log).toHaveBeenCalledWith(expect.stringMatching(/^Re-registered 2 instance\(s\) under lease/));
  }, 30_000);

  it('withdraws an instance even while etcd is frozen, and deletes its key once etcd answers', async () => {
    await keeper.put(instance('stays'), false);
    await keeper.put(instance('leaves'), false);
    await etcd.pause(1);
    try {
      await expect(keeper.delete('leaves')).rejects.toBeInstanceOf(RegistryUnavailableError);
      expect(keeper.size).toBe(1);
    } finally {
      await etcd.resume(1);
    }
    // Well within the 10 s TTL, and the lease is kept alive (the other key stays): the retry deleted it.
    await waitFor(async () => (await leaseOf(keyOf('leaves'))) === undefined, 'the stale key to be deleted', 8_000, 100);
    expect(await leaseOf(keyOf('stays'))).toBeDefined();
  }, 30_000);

  it('leaves nothing half-done when a put fails: a new instance is not kept, a replaced one keeps its old value', async () => {
    await keeper.put(instance('a', { weight: 1 }), false);
    await etcd.pause(1);
    try {
      await expect(keeper.put(instance('new'), false)).rejects.toBeInstanceOf(RegistryUnavailableError);
      await expect(keeper.put(instance('a', { weight: 9 }), true)).rejects.toBeInstanceOf(RegistryUnavailableError);
    } finally {
      await etcd.resume(1);
    }
    expect(keeper.size).toBe(1);
    await expect(keeper.put(instance('new'), true)).rejects.toBeInstanceOf(InvalidInstanceError);
    const stored = JSON.parse(await etcdctl(etcd.endpoints, 'get', keyOf('a'), '--print-value-only')) as { weight: number };
    expect(stored.weight).toBe(1);
    // Still registered: an update goes through once the client's circuit breaker lets calls out again.
    await waitFor(async () => (await keeper.put(instance('a', { weight: 2 }), true)) === undefined, 'an update of a', 5_000, 100);
  }, 30_000);

  it('close revokes the lease: every key disappears at once, not after the TTL; a second close is a no-op', async () => {
    await keeper.put(instance('a'), false);
    await keeper.put(instance('b'), false);
    await keeper.close();
    expect(keeper.leaseAlive).toBe(false);
    expect(keeper.size).toBe(0);
    expect(await leaseOf(keyOf('a'))).toBeUndefined();
    expect(await leaseOf(keyOf('b'))).toBeUndefined();
    await expect(keeper.close()).resolves.toBeUndefined();
  });

  it('close is bounded when etcd is frozen', async () => {
    await keeper.put(instance('a'), false);
    await etcd.pause(1);
    try {
      const started = Date.now();
      await keeper.close(300);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await etcd.resume(1);
    }
  }, 30_000);
});
