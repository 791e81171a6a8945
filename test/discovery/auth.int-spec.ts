import { firstValueFrom, filter } from 'rxjs';
import { EtcdRegistry, RegistryRequestError } from '@nestrpc/discovery';
import { etcdctl, LocalEtcd, startEtcd } from '../support/etcd';
import { instanceInit } from '../support/instances';
import { MemoryLogger, uniqueNamespace } from './helpers';

/** etcd with authentication enabled: credentials are passed through; wrong ones are a clear, non-retryable error. */
describe('EtcdRegistry with etcd authentication', () => {
  let etcd: LocalEtcd;

  beforeAll(async () => {
    etcd = await startEtcd();
    await etcdctl(etcd.endpoints, 'user', 'add', 'root', '--new-user-password=s3cret');
    await etcdctl(etcd.endpoints, 'auth', 'enable');
  });

  afterAll(async () => {
    await etcd?.stop();
  });

  it('registers and watches with the right password', async () => {
    const ns = uniqueNamespace();
    const registry = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, auth: { username: 'root', password: 's3cret' }, logger: new MemoryLogger() });
    try {
      await registry.connect();
      await registry.register(instanceInit('authed'));
      const list = await firstValueFrom(registry.watch('Hello').pipe(filter((l) => l.length > 0)));
      expect(list.map((i) => i.id)).toEqual(['authed']);
      expect(await etcdctl(etcd.endpoints, '--user=root:s3cret', 'get', '--prefix', '--keys-only', `/${ns}/`)).toContain('authed');
    } finally {
      await registry.close();
    }
  });

  it('reports a wrong password as a non-retryable request error naming the endpoint', async () => {
    const registry = new EtcdRegistry({ hosts: etcd.endpoints, auth: { username: 'root', password: 'wrong' }, callTimeoutMs: 1_000, logger: new MemoryLogger() });
    try {
      const error = await registry.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryRequestError);
      expect((error as RegistryRequestError).retryable).toBe(false);
      expect((error as Error).message).toContain(etcd.endpoints[0]);
      expect((error as Error).message).toMatch(/authentication failed/i);
    } finally {
      await registry.close();
    }
  });
});
