import { MessageHandler } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { RpcClient } from '../client/rpc.client';
import { ServerClosedError } from '../errors/server-closed.error';
import { RpcContext } from './rpc.context';
import { RpcServer } from './rpc.server';

/** A server with plain handlers (no Nest app): what RpcServer itself does on close and drain. */
async function start(options: ConstructorParameters<typeof RpcServer>[0] = {}) {
  const server = new RpcServer({ host: '127.0.0.1', port: 0, ...options });
  const aborted: number[] = [];
  const hang = ((_data: unknown, ctx: RpcContext) =>
    new Promise((_resolve, reject) => ctx.getSignal().addEventListener('abort', () => (aborted.push(ctx.getSequenceId()), reject(new Error('aborted')))))) as MessageHandler;
  const wait = ((ms: number) => new Promise((resolve) => setTimeout(() => resolve('done'), ms))) as MessageHandler;
  server.addHandler('hang', hang, false);
  server.addHandler('wait', wait, false);
  await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  const client = new RpcClient({ port: server.address().port, reconnect: false });
  await client.connect();
  return { server, client, aborted };
}

async function inFlight(server: RpcServer, count: number): Promise<void> {
  while (server.inFlightCount < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('RpcServer', () => {
  it('close() does not wait for drainTimeoutMs: it aborts running handlers at once', async () => {
    const { server, client, aborted } = await start({ drainTimeoutMs: 60_000 });
    const call = firstValueFrom(client.send('hang', null)).catch((e: unknown) => e);
    await inFlight(server, 1);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(aborted).toHaveLength(1);
    await expect(call).resolves.toBeInstanceOf(ServerClosedError);
    expect(server.connectionCount).toBe(0);
    await client.close();
  });

  it('drain() lets calls finish within its timeout, then closes; close() afterwards is the same stop', async () => {
    const { server, client, aborted } = await start();
    const call = firstValueFrom(client.send('wait', 150));
    await inFlight(server, 1);
    const drained = server.drain(5_000);
    expect(server.isDraining()).toBe(true);
    await expect(call).resolves.toBe('done');
    await drained;
    await expect(server.close()).resolves.toBeUndefined();
    expect(aborted).toEqual([]);
    await client.close();
  });

  it('drain() cuts calls still running at its timeout, aborting their handlers', async () => {
    const { server, client, aborted } = await start();
    const call = firstValueFrom(client.send('hang', null)).catch((e: unknown) => e);
    await inFlight(server, 1);
    const started = Date.now();
    await server.drain(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(aborted).toHaveLength(1);
    await expect(call).resolves.toBeInstanceOf(ServerClosedError);
    await client.close();
  });

  it('close() before listen() resolves and reports closed', async () => {
    const server = new RpcServer();
    const statuses: string[] = [];
    server.status.subscribe((s) => statuses.push(s));
    await server.close();
    expect(statuses).toEqual(['closed']);
  });

  it('keeps what its connections use off its public surface (they get a private owner object)', () => {
    const server = new RpcServer();
    // Each line fails to compile if the member becomes public again (unused @ts-expect-error).
    // @ts-expect-error connection callback, not API
    void server.onConnectionClosed;
    // @ts-expect-error connection callback, not API
    void server.onCallsSettled;
    // @ts-expect-error connection callback, not API
    void server.dispatchEvent;
    // @ts-expect-error connection callback, not API
    void server.findRequestHandler;
    // @ts-expect-error Nest's Server keeps its logger protected
    void server.logger;
    // @ts-expect-error the codec is the connections' business
    void server.codec;
    expect(server).not.toHaveProperty('codec');
    expect(server).not.toHaveProperty('maxInFlightPerConnection');
  });
});
