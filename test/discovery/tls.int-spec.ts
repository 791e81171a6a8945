import { firstValueFrom, filter } from 'rxjs';
import { EtcdRegistry } from '@nestrpc/discovery';
import { createTestPki, TestPki } from '../support/certificates';
import { LocalEtcd, startEtcd } from '../support/etcd';
import { instance } from '../support/instances';
import { MemoryLogger, uniqueNamespace } from './helpers';

/** etcd that only takes TLS clients with a certificate from its CA (`--client-cert-auth`), certificates made with openssl here. */
describe('EtcdRegistry with etcd TLS client certificates', () => {
  let pki: TestPki;
  let etcd: LocalEtcd;

  beforeAll(async () => {
    pki = createTestPki();
    etcd = await startEtcd({ tls: { ca: pki.files.ca, cert: pki.files.serverCert, key: pki.files.serverKey } });
  }, 60_000);

  afterAll(async () => {
    await etcd?.stop();
    pki?.dispose();
  });

  it('serves only https:// endpoints', () => {
    expect(etcd.endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('registers and watches with a client certificate signed by the CA', async () => {
    const ns = uniqueNamespace();
    const client = pki.client('/CN=provider');
    const registry = new EtcdRegistry({
      hosts: etcd.endpoints,
      namespace: ns,
      credentials: { rootCertificate: pki.ca, certChain: client.cert, privateKey: client.key },
      logger: new MemoryLogger(),
    });
    try {
      await registry.connect();
      await registry.register(instance('over-tls'));
      const list = await firstValueFrom(registry.watch('Hello').pipe(filter((l) => l.length > 0)));
      expect(list.map((i) => i.id)).toEqual(['over-tls']);
    } finally {
      await registry.close();
    }
  });

  it.each([
    ['no client certificate', (p: TestPki) => ({ rootCertificate: p.ca })],
    ['a certificate from another CA', (p: TestPki) => {
      const stranger = p.stranger('/CN=provider');
      return { rootCertificate: p.ca, certChain: stranger.cert, privateKey: stranger.key };
    }],
  ])('refuses a client with %s: connect fails within its deadline', async (_, credentials) => {
    const registry = new EtcdRegistry({ hosts: etcd.endpoints, credentials: credentials(pki), callTimeoutMs: 1_000, logger: new MemoryLogger() });
    try {
      const started = Date.now();
      await expect(registry.connect()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await registry.close();
    }
  });
});
