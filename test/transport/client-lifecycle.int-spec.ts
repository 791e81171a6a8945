import { AddressInfo, createServer, Server, Socket } from 'net';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { ConnectionClosedError, ConnectTimeoutError, RpcClient, RpcRecord, RpcTimeoutError } from '@nestrpc/transport';
// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, FrameDecoder, MessageType } from '@nestrpc/transport/protocol';
import { MathHarness, startMathServer } from './support';

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function stop(fake: { server: Server; sockets: Socket[] }): Promise<void> {
  fake.sockets.forEach((s) => s.destroy());
  await new Promise<void>((resolve) => fake.server.close(() => resolve()));
}

describe('RpcClient connection lifecycle', () => {
  it('fails connect() to a black hole (accepts TCP, never answers) within connectTimeoutMs, and sends nothing', async () => {
    const fake = await listen(() => undefined);
    const client = new RpcClient({ port: fake.port, connectTimeoutMs: 300, reconnect: false });
    try {
      const started = Date.now();
      const error = await client.connect().catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(ConnectTimeoutError);
      expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT', retryable: true });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(300 + 700);
      expect(client.isConnected).toBe(false);
      // A call fails the same way instead of being accepted and hanging.
      await expect(firstValueFrom(client.send('sum', [1]))).rejects.toBeInstanceOf(ConnectTimeoutError);
    } finally {
      await client.close();
      await stop(fake);
    }
  });

  it('reports a server-side close once: no doubled "Connection closed: Connection closed:"', async () => {
    // Greets like a nestrpc peer, then closes its side cleanly when a call arrives.
    const fake = await listen((socket) => {
      socket.write(encodeFrame({ type: MessageType.Pong, seq: 0 }));
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => decoder.feed(chunk, (frame) => frame.type === MessageType.Request && socket.end()));
    });
    const client = new RpcClient({ port: fake.port, reconnect: false });
    try {
      await client.connect();
      const error = await firstValueFrom(client.send('sum', [1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message).toBe(`Connection closed: 127.0.0.1:${fake.port} closed the connection`);
    } finally {
      await client.close();
      await stop(fake);
    }
  });

  describe('against the math server', () => {
    let h: MathHarness;
    beforeAll(async () => (h = await startMathServer()));
    afterAll(() => h.close());

    it('never closes a connection for idleness while a call is in flight', async () => {
      const client = h.client({ idleTimeoutMs: 100, heartbeatIntervalMs: 0 });
      await expect(firstValueFrom(client.send('slow', 600))).resolves.toBe('done');
      // With nothing in flight the idle timeout still applies.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(client.isConnected).toBe(false);
      // ...and the next call reconnects at once.
      await expect(firstValueFrom(client.send('sum', [1, 2]))).resolves.toBe(3);
    });

    it('bounds a whole stream by the call timeout (stream frames do not extend it)', async () => {
      const client = h.client();
      // 100 values, one every 5 ms: ~500 ms in all, with every gap far below the 200 ms timeout.
      const started = Date.now();
      const error = await lastValueFrom(client.send('ticks', new RpcRecord(100, { timeoutMs: 200 })).pipe(toArray())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcTimeoutError);
      expect(Date.now() - started).toBeLessThan(450);
      // Without a timeout the same stream completes.
      await expect(lastValueFrom(client.send('ticks', new RpcRecord(20, { timeoutMs: 0 })).pipe(toArray()))).resolves.toHaveLength(20);
    });
  });
});

describe('RpcClient.close() during a connection attempt', () => {
  it('ends the attempt at once, rejects it, and reports closed last', async () => {
    const fake = await listen(() => undefined); // accepts TCP, never answers: the attempt hangs in the handshake
    const client = new RpcClient({ port: fake.port, connectTimeoutMs: 10_000 });
    const statuses: string[] = [];
    client.status.subscribe((s) => statuses.push(s));
    try {
      const attempt = client.connect().catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await client.close();
      expect(Date.now() - started).toBeLessThan(500);
      await expect(attempt).resolves.toBeInstanceOf(ConnectionClosedError);
      expect(statuses).toEqual(['connecting', 'closed']);
    } finally {
      await stop(fake);
    }
  });
});
