import { firstValueFrom } from 'rxjs';
import { ConnectionRefusedError } from '@nestrpc/transport';
import { selfSigned } from '../support/certificates';
import { MathHarness, rawSocket, startMathServer } from './support';

describe('transport over TLS', () => {
  const { key, cert } = selfSigned();
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer({ tls: { key, cert } });
  });

  afterAll(() => h.close());

  it('serves calls to a client that trusts the server certificate', async () => {
    const client = h.client({ tls: { ca: cert } });
    await expect(firstValueFrom(client.send('sum', [20, 22]))).resolves.toBe(42);
  });

  it('refuses to talk to a server whose certificate it does not trust', async () => {
    const client = h.client({ tls: {}, reconnect: false });
    const error = await firstValueFrom(client.send('sum', [1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect((error as Error).message).toMatch(/self.signed|certificate/i);
  });
});

describe('TLS handshakes that never complete', () => {
  const { key, cert } = selfSigned();
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer({ tls: { key, cert }, handshakeTimeoutMs: 500, maxConnections: 3 });
  });

  afterAll(() => h.close());

  it('are closed after handshakeTimeoutMs and stop counting against maxConnections', async () => {
    const silent = await Promise.all([0, 1, 2].map(() => rawSocket(h.port)));
    const started = Date.now();
    await Promise.all(silent.map((p) => p.closed));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(2_500);
    // The slots are free again: a real client gets in.
    const client = h.client({ tls: { ca: cert } });
    await expect(firstValueFrom(client.send('sum', [1, 2]))).resolves.toBe(3);
  });
});
