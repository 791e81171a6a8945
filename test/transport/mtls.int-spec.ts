import { firstValueFrom } from 'rxjs';
import { RpcAuthRequest, RpcClient } from '@nestrpc/transport';
import { createTestPki } from '../support/certificates';
import { IdentityController } from './fixtures/identity.controller';
import { IdentityModule } from './fixtures/identity.module';
import { MathHarness, startMathServer } from './support';

const call = <T>(client: RpcClient, pattern: string): Promise<T> => firstValueFrom(client.send<T>(pattern, null));

describe('mTLS: client certificates verified against a CA', () => {
  const pki = createTestPki();
  const orders = pki.client('/O=shop/CN=orders');
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer({ tls: { ...pki.server, ca: pki.ca, requestCert: true } }, IdentityModule);
  });
  afterAll(async () => {
    await h.close();
    pki.dispose();
  });
  beforeEach(() => (IdentityController.runs = 0));

  it('makes the verified certificate the caller identity', async () => {
    const client = h.client({ tls: { ca: pki.ca, ...orders } });
    const identity = await call<Record<string, unknown>>(client, 'whoami');
    expect(identity).toMatchObject({
      kind: 'certificate',
      subject: 'orders',
      claims: {},
      certificate: { subject: 'O=shop,CN=orders', commonName: 'orders', issuer: 'CN=nestrpc test CA', fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) },
    });
  });

  it.each([
    ['no certificate', {}],
    ['a certificate from a CA the server does not trust', pki.stranger('/CN=orders')],
  ])('a client with %s gets no answers', async (_, own) => {
    const client = h.client({ tls: { ca: pki.ca, ...own }, reconnect: false, connectTimeoutMs: 2_000 });
    const outcome = await call(client, 'whoami').then(
      (value) => ({ answered: value }),
      (error: Error) => ({ error }),
    );
    expect(outcome).not.toHaveProperty('answered');
    expect(IdentityController.runs).toBe(0);
  });
});

describe('mTLS and a token together', () => {
  const pki = createTestPki();
  const seen: RpcAuthRequest[] = [];
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer(
      {
        tls: { ...pki.server, ca: pki.ca, requestCert: true },
        // Binds the token to the certificate it was issued for.
        auth: { verifyToken: (req) => (seen.push(req), req.credential === 'orders-token' && req.certificate?.commonName === 'orders' ? { sub: 'orders', scope: 'write' } : false) },
      },
      IdentityModule,
    );
  });
  afterAll(async () => {
    await h.close();
    pki.dispose();
  });

  it('gives the verifier the verified certificate; the identity carries both', async () => {
    const client = h.client({ tls: { ca: pki.ca, ...pki.client('/CN=orders') }, credentials: 'orders-token' });
    await expect(call(client, 'whoami')).resolves.toMatchObject({ kind: 'token', subject: 'orders', claims: { scope: 'write' }, certificate: { commonName: 'orders' } });
    expect(seen[0].certificate?.commonName).toBe('orders');
  });

  it('refuses the token presented with another certificate', async () => {
    const client = h.client({ tls: { ca: pki.ca, ...pki.client('/CN=billing') }, credentials: 'orders-token', reconnect: false });
    await expect(call(client, 'whoami')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
