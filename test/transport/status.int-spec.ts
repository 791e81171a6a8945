import { firstValueFrom } from 'rxjs';
import { RpcClient } from '@nestrpc/transport';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/wait-for';
import { startMathServer } from './support';

describe('status events', () => {
  it('reports the server lifecycle: listening → draining → closed, with connection events', async () => {
    const h = await startMathServer();
    const statuses: string[] = [];
    const peers: string[] = [];
    const subscription = h.server.status.subscribe((s) => statuses.push(s));
    h.server.on('connection', (peer: string) => peers.push(`+${peer}`));
    h.server.on('disconnect', (peer: string) => peers.push(`-${peer}`));
    const client = h.client();
    await firstValueFrom(client.send('sum', [1]));
    await client.close();
    await waitFor(() => peers.length === 2, 'connect and disconnect events');
    await h.close();
    subscription.unsubscribe();
    expect(statuses).toEqual(['listening', 'draining', 'closed']);
    expect(peers[0].startsWith('+127.0.0.1:')).toBe(true);
    expect(peers[1]).toBe(`-${peers[0].slice(1)}`);
  });

  it('reports the client lifecycle: connecting → connected → disconnected → reconnecting → connected → closed, each transition once', async () => {
    const port = await freePort();
    let h = await startMathServer({ port });
    const client = new RpcClient({ port, reconnect: { initialDelayMs: 20, maxDelayMs: 20 } });
    const statuses: string[] = [];
    const events: string[] = [];
    const subscription = client.status.subscribe((s) => statuses.push(s));
    client.on('connect', () => events.push('connect'));
    client.on('disconnect', () => events.push('disconnect'));
    let failedAttempts = 0;
    client.on('error', () => failedAttempts++);
    try {
      await client.connect();
      await h.app.close(); // the server goes away...
      await waitFor(() => failedAttempts >= 5, 'several failed reconnect attempts');
      h = await startMathServer({ port }); // ...and comes back
      await waitFor(() => client.isConnected, 'the background reconnect');
      await client.close();
      expect(statuses).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting', 'connected', 'closed']);
      expect(events).toEqual(['connect', 'disconnect', 'connect']);
    } finally {
      subscription.unsubscribe();
      await client.close();
      await h.close();
    }
  });
});
