import { mkdtemp, readFile, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { firstValueFrom, filter } from 'rxjs';
import { EtcdRegistry, RegistryUnavailableError } from '@nestrpc/discovery';
import { RegistrySnapshot } from '../../libs/discovery/src/registry/etcd/snapshot-store';
import { LocalEtcd, startEtcd } from '../support/etcd';
import { instanceInit } from '../support/instances';
import { MemoryLogger, uniqueNamespace } from './helpers';

/** A consumer that starts while etcd is down routes with the last lists it saved. */
describe('EtcdRegistry cold start from the on-disk snapshot', () => {
  let etcd: LocalEtcd;
  let dir: string;

  beforeAll(async () => {
    etcd = await startEtcd();
    dir = await mkdtemp(join(tmpdir(), 'nestrpc-snapshot-'));
  });

  afterAll(async () => {
    await etcd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the saved instances when etcd is down at start, and errors clearly without a snapshot', async () => {
    const ns = uniqueNamespace();
    const file = join(dir, 'registry.json');
    const provider = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, logger: new MemoryLogger() });
    const first = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, snapshotFile: file, logger: new MemoryLogger() });
    await provider.register(instanceInit('a', { version: '1.1.0', weight: 2 }));
    await provider.register(instanceInit('b', { version: '2.0.0' }));
    await firstValueFrom(first.watch('Hello').pipe(filter((l) => l.length === 2)));
    await first.close();
    const saved = JSON.parse(await readFile(file, 'utf8')) as RegistrySnapshot;
    expect(saved).toMatchObject({ format: 1, namespace: ns });
    expect(saved.services.Hello.map((i) => i.id)).toEqual(['a', 'b']);

    await provider.close();
    await etcd.stop();

    const logger = new MemoryLogger();
    const cold = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, snapshotFile: file, callTimeoutMs: 1_000, logger });
    const blind = new EtcdRegistry({ hosts: etcd.endpoints, namespace: ns, callTimeoutMs: 1_000, logger: new MemoryLogger() });
    try {
      const started = Date.now();
      const list = await firstValueFrom(cold.watch('Hello', '^1'));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(list.map((i) => [i.id, i.version, i.weight])).toEqual([['a', '1.1.0', 2]]);
      expect((await cold.instances('Hello')).map((i) => i.id)).toEqual(['a', 'b']);
      expect(logger.has(/Serving 2 Hello instance\(s\) from the snapshot/)).toBe(true);
      await expect(cold.connect()).rejects.toThrow(RegistryUnavailableError);

      expect(await firstValueFrom(blind.watch('Hello'))).toEqual([]);
      await expect(blind.instances('Other')).rejects.toThrow(RegistryUnavailableError);
    } finally {
      await Promise.all([cold.close(), blind.close()]);
    }
  });
});
