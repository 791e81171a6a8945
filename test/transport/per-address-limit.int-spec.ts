import { firstValueFrom } from 'rxjs';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

describe('maxConnectionsPerAddress', () => {
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer({ maxConnectionsPerAddress: 5, maxConnections: 50 });
  });

  afterAll(() => h.close());

  it('closes connections from one address beyond the limit and frees the slot when one leaves', async () => {
    const peers = await Promise.all(Array.from({ length: 8 }, () => rawSocket(h.port)));
    let closed = 0;
    for (const p of peers) void p.closed.then(() => closed++);
    await waitFor(() => closed === 3, 'the 3 over the limit closed');
    expect(h.server.connectionCount).toBe(5);
    // A client from the same address is refused while 5 are open ...
    const refused = h.client({ reconnect: false, connectTimeoutMs: 1_000 });
    await expect(firstValueFrom(refused.send('sum', [1]))).rejects.toBeDefined();
    // ... and gets in once one of them leaves.
    peers[0].socket.destroy();
    await waitFor(() => h.server.connectionCount === 4, 'the slot freed');
    const client = h.client();
    await expect(firstValueFrom(client.send('sum', [1, 2]))).resolves.toBe(3);
    for (const p of peers) p.socket.destroy();
  });
});
