import { firstValueFrom } from 'rxjs';
import { ServerClosedError, ServerDrainingError } from '@nestrpc/transport';
import { waitFor } from '../support/wait-for';
import { MathController } from './fixtures/math.controller';
import { startMathServer } from './support';

describe('app.close() on an RpcServer', () => {
  it('resolves promptly, aborts running handlers and fails their calls with ServerClosedError (the request ran)', async () => {
    const h = await startMathServer(); // default drainTimeoutMs (10 s) must not delay close()
    const clients = [h.client(), h.client()];
    const calls = clients.flatMap((client) => [1, 2].map(() => firstValueFrom(client.send('slow', 60_000)).catch((e: unknown) => e)));
    const settledAt: number[] = [];
    calls.forEach((call) => call.then(() => settledAt.push(Date.now())));
    await waitFor(() => h.server.inFlightCount === 4, 'the server to be running all four calls');
    const abortedBefore = MathController.cancelled.length;

    const started = Date.now();
    await h.app.close();
    const closeMs = Date.now() - started;
    const outcomes = await Promise.all(calls);
    const failMs = Math.max(...settledAt) - started;

    expect(closeMs).toBeLessThan(2_000);
    expect(failMs).toBeLessThan(2_000);
    expect(MathController.cancelled.length - abortedBefore).toBe(4); // every handler's signal fired
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(ServerClosedError);
      expect(outcome).toMatchObject({ code: 'SERVER_CLOSED', ran: true, retryable: false });
    }
    await h.close();
  });

  it('cuts a drain short: close() during drain() ends it at once', async () => {
    const h = await startMathServer();
    const client = h.client({ reconnect: false });
    const call = firstValueFrom(client.send('slow', 60_000)).catch((e: unknown) => e);
    await waitFor(() => h.server.inFlightCount === 1, 'the call to run on the server');
    const drained = h.server.drain(30_000);
    await waitFor(() => !client.isConnected, 'GOAWAY to reach the client');
    await expect(firstValueFrom(client.send('sum', [1]))).rejects.toBeInstanceOf(ServerDrainingError);
    const started = Date.now();
    await h.server.close();
    await drained;
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(call).resolves.toBeInstanceOf(ServerClosedError);
    await h.close();
  });
});
