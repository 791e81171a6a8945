import { firstValueFrom } from 'rxjs';
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

  it('reports the client lifecycle: connecting → connected → disconnected → reconnecting → ... → closed', async () => {
    const h = await startMathServer();
    const client = h.client({ reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });
    const statuses: string[] = [];
    const events: string[] = [];
    const subscription = client.status.subscribe((s) => statuses.push(s));
    client.on('connect', () => events.push('connect'));
    client.on('disconnect', () => events.push('disconnect'));
    await client.connect();
    await h.app.close(); // the server goes away
    await waitFor(() => events.includes('disconnect'), 'the disconnect event');
    await client.close();
    subscription.unsubscribe();
    expect(statuses.slice(0, 4)).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
    expect(statuses[statuses.length - 1]).toBe('closed');
    expect(events.slice(0, 2)).toEqual(['connect', 'disconnect']);
  });
});
