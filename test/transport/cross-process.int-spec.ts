import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { ConnectionClosedError, ConnectionRefusedError, HeartbeatTimeoutError, RpcClient } from '@nestrpc/transport';
import { spawnTs, TsChild } from '../support/child-process';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/wait-for';

const SERVER = 'test/transport/fixtures/math-server.main.ts';

async function startChild(env: Record<string, string> = {}): Promise<{ child: TsChild; port: number }> {
  const child = spawnTs(SERVER, env);
  const [, port] = await child.waitForLine(/READY (\d+)/);
  return { child, port: Number(port) };
}

describe('transport across two OS processes', () => {
  const children: TsChild[] = [];
  const clients: RpcClient[] = [];
  const track = <T extends TsChild | RpcClient>(x: T): T => {
    (x instanceof RpcClient ? clients : children).push(x as never);
    return x;
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
  });

  it('serves values, streams, errors and 1 000 concurrent calls', async () => {
    const { child, port } = await startChild();
    track(child);
    const client = track(new RpcClient({ port, serializer: 'msgpack' }));
    await expect(firstValueFrom(client.send('sum', [40, 2]))).resolves.toBe(42);
    await expect(lastValueFrom(client.send('range', 5).pipe(toArray()))).resolves.toEqual([1, 2, 3, 4, 5]);
    await expect(firstValueFrom(client.send('fail', 'bad'))).rejects.toMatchObject({ code: 'E_DOMAIN', message: 'bad' });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => firstValueFrom(client.send<number>('sum', [i, i]))));
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i));
  });

  it('fails pending calls at once when the server is killed mid-call', async () => {
    const { child, port } = await startChild();
    track(child);
    const client = track(new RpcClient({ port, heartbeatIntervalMs: 200, reconnect: false }));
    await client.connect();
    const pending = firstValueFrom(client.send('slow', 30_000)).catch((e: unknown) => e);
    await waitFor(() => client.pendingCount === 1, 'the call to be sent');
    const killedAt = Date.now();
    child.process.kill('SIGKILL');
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(Date.now() - killedAt).toBeLessThan(3 * 200 + 500);
  });

  it('detects a frozen server by missed heartbeats and fails its calls within the window', async () => {
    const { child, port } = await startChild({ HEARTBEAT_MS: '0' });
    track(child);
    const heartbeatIntervalMs = 200;
    const client = track(new RpcClient({ port, heartbeatIntervalMs, missedHeartbeats: 3, reconnect: false }));
    await client.connect();
    const pending = firstValueFrom(client.send('slow', 30_000)).catch((e: unknown) => e);
    await waitFor(() => client.pendingCount === 1, 'the call to be sent');
    const frozenAt = Date.now();
    child.process.kill('SIGSTOP');
    try {
      const error = await pending;
      const elapsed = Date.now() - frozenAt;
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as ConnectionClosedError).cause).toBeInstanceOf(HeartbeatTimeoutError);
      // 3 silent periods, +1 for the period already under way when the server froze.
      expect(elapsed).toBeGreaterThanOrEqual(2 * heartbeatIntervalMs);
      expect(elapsed).toBeLessThan(5 * heartbeatIntervalMs + 300);
    } finally {
      child.process.kill('SIGCONT');
    }
  });

  it('detects a frozen (SIGSTOPped) server within 3 s with the default heartbeats, idle or busy', async () => {
    const { child, port } = await startChild();
    track(child);
    const busy = track(new RpcClient({ port, reconnect: false }));
    const idle = track(new RpcClient({ port, reconnect: false }));
    await Promise.all([busy.connect(), idle.connect()]);
    const pending = firstValueFrom(busy.send('slow', 30_000)).catch((e: unknown) => e);
    await waitFor(() => busy.pendingCount === 1, 'the call to be sent');
    const idleGone = new Promise<number>((resolve) => idle.on('disconnect', () => resolve(Date.now())));
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the request reach the server
    const frozenAt = Date.now();
    child.process.kill('SIGSTOP');
    try {
      const error = await pending;
      const busyMs = Date.now() - frozenAt;
      const idleMs = (await idleGone) - frozenAt;
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as ConnectionClosedError).cause).toBeInstanceOf(HeartbeatTimeoutError);
      expect(busyMs).toBeLessThanOrEqual(3_000);
      expect(idleMs).toBeLessThanOrEqual(3_000);
    } finally {
      child.process.kill('SIGCONT');
    }
  });

  it('reconnects by itself after the server restarts, and later calls succeed', async () => {
    const port = await freePort();
    const first = await startChild({ PORT: String(port) });
    track(first.child);
    const client = track(new RpcClient({ port, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } }));
    await expect(firstValueFrom(client.send('sum', [1, 1]))).resolves.toBe(2);

    await first.child.stop('SIGTERM');
    await waitFor(() => !client.isConnected, 'the client to see the server go');
    const failure = await firstValueFrom(client.send('sum', [1, 1])).catch((e: unknown) => e);
    // The call tried to connect at once and was refused: it was never sent.
    expect(failure).toBeInstanceOf(ConnectionRefusedError);
    expect((failure as ConnectionRefusedError).retryable).toBe(true);

    const second = await startChild({ PORT: String(port) });
    track(second.child);
    await waitFor(() => client.isConnected, 'the client to reconnect', 10_000);
    await expect(firstValueFrom(client.send('sum', [2, 3]))).resolves.toBe(5);
  });
});
