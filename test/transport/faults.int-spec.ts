import { once } from 'events';
import { AddressInfo, connect, createServer, Server, Socket } from 'net';
import { firstValueFrom } from 'rxjs';
import { BadMagicError, ConnectionClosedError, ConnectionRefusedError, FrameTooLargeError, RpcClient, ServerClosedError, ServerDrainingError, ServerOverloadedError, WriteBufferFullError } from '@nestrpc/transport';
// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, FrameDecoder, MessageType } from '@nestrpc/transport/protocol';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

describe('bad input and overload on the server', () => {
  let h: MathHarness;
  let good: RpcClient;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startMathServer({ maxFrameBytes: 64 * 1024, maxInFlightPerConnection: 4 });
    (h.server as unknown as { logger: { warn: (m: string) => void } }).logger.warn = (m: string) => errors.push(m);
    good = h.client();
    await good.connect();
  });

  afterAll(() => h.close());

  afterEach(async () => {
    await expect(firstValueFrom(good.send('sum', [2, 2]))).resolves.toBe(4); // other clients keep being served
  });

  it('closes a connection that sends garbage, with a logged reason', async () => {
    const { socket, closed } = await rawSocket(h.port);
    socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await closed;
    await waitFor(() => errors.some((m) => m.includes('Bad frame magic')), 'the logged reason');
  });

  it('closes a connection that declares an oversize frame before buffering it', async () => {
    const { socket, closed } = await rawSocket(h.port);
    const header = encodeFrame({ type: MessageType.Request, seq: 1, body: Buffer.alloc(10) }).subarray(0, 16);
    header.writeUInt32BE(100 * 1024 * 1024, 12); // declares 100 MiB, sends only the header
    socket.write(header);
    await closed;
    await waitFor(() => errors.some((m) => m.includes('exceeds the limit of 65536 bytes')), 'the logged reason');
  });

  it('closes a connection that names an unknown serializer', async () => {
    const { socket, closed } = await rawSocket(h.port);
    socket.write(encodeFrame({ type: MessageType.Request, seq: 1, serializerId: 99, meta: { pattern: 'sum' }, body: Buffer.from('[1]') }));
    await closed;
    await waitFor(() => errors.some((m) => m.includes('Unknown serializer 99')), 'the logged reason');
  });

  it('refuses calls over maxInFlightPerConnection with a retryable error', async () => {
    const client = h.client();
    const slow = Array.from({ length: 4 }, () => firstValueFrom(client.send('slow', 200)));
    const refused = await firstValueFrom(client.send('slow', 200)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServerOverloadedError);
    expect((refused as ServerOverloadedError).retryable).toBe(true);
    await expect(Promise.all(slow)).resolves.toEqual(['done', 'done', 'done', 'done']);
  });

  it('refuses to send a frame over maxFrameBytes and keeps the connection', async () => {
    const client = h.client({ maxFrameBytes: 64 * 1024 });
    await expect(firstValueFrom(client.send('echo', 'x'.repeat(100 * 1024)))).rejects.toBeInstanceOf(FrameTooLargeError);
    await expect(firstValueFrom(client.send('sum', [1, 2]))).resolves.toBe(3);
  });

  it('answers with a transport error when the response is over maxFrameBytes', async () => {
    const client = h.client();
    const error = await firstValueFrom(client.send('blob', 100 * 1024)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FRAME_TOO_LARGE', message: expect.stringContaining('65536') });
  });
});

/** A valid PONG: what a nestrpc peer sends back for the client's opening PING. */
const PONG = encodeFrame({ type: MessageType.Pong, seq: 0 });

describe('bad input on the client', () => {
  let fake: Server;
  let port: number;
  let garbageFromStart = false;

  beforeAll(async () => {
    // Greets like a nestrpc server (unless told not to), then answers a call with garbage.
    fake = createServer((socket) => {
      if (garbageFromStart) return void socket.on('data', () => socket.write(Buffer.from('not a frame at all')));
      socket.write(PONG);
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => decoder.feed(chunk, (frame) => frame.type === MessageType.Request && socket.write(Buffer.from('not a frame at all'))));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    port = (fake.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => fake.close(() => resolve())));

  it('fails every pending call with ConnectionClosedError naming the protocol error, once, without doubling the prefix', async () => {
    garbageFromStart = false;
    const client = new RpcClient({ port, reconnect: false });
    try {
      await client.connect();
      const error = await firstValueFrom(client.send('sum', [1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as ConnectionClosedError).cause).toBeInstanceOf(BadMagicError);
      expect((error as Error).message).toMatch(/^Connection closed: Bad frame magic/);
    } finally {
      await client.close();
    }
  });

  it('refuses to count a peer that does not speak the protocol as connected', async () => {
    garbageFromStart = true;
    const client = new RpcClient({ port, reconnect: false });
    try {
      const error = await client.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionRefusedError);
      expect((error as ConnectionRefusedError).cause).toBeInstanceOf(BadMagicError);
      expect(client.isConnected).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe('write buffer bound', () => {
  it('refuses calls with WriteBufferFullError instead of buffering without bound when the peer stops reading', async () => {
    const sockets: Socket[] = [];
    const stalled = createServer((socket) => {
      sockets.push(socket);
      socket.write(PONG); // looks alive once...
      socket.pause(); // ...then never reads
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const client = new RpcClient({ port: (stalled.address() as AddressInfo).port, maxWriteBufferBytes: 2 * 1024 * 1024, heartbeatIntervalMs: 0, reconnect: false, timeoutMs: 0 });
    const chunk = 'z'.repeat(256 * 1024);
    let refused: unknown;
    try {
      await client.connect();
      for (let i = 0; i < 200 && refused === undefined; i++) {
        client.send('echo', chunk).subscribe({ error: (e: unknown) => (refused ??= e) });
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(refused).toBeInstanceOf(WriteBufferFullError);
      expect((refused as WriteBufferFullError).retryable).toBe(true);
    } finally {
      await client.close();
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => stalled.close(() => resolve()));
    }
  });
});

describe('drain', () => {
  it('refuses new calls after GOAWAY, finishes in-flight ones, then closes', async () => {
    const h = await startMathServer();
    const client = h.client({ reconnect: false });
    try {
      await client.connect();
      const inFlight = Array.from({ length: 5 }, () => firstValueFrom(client.send('slow', 300)));
      await waitFor(() => h.server.inFlightCount === 5, 'calls to be in flight on the server');
      const drained = h.server.drain(5_000);
      await waitFor(() => !client.isConnected, 'GOAWAY to reach the client');
      const refused = await firstValueFrom(client.send('sum', [1])).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ServerDrainingError);
      expect((refused as ServerDrainingError).retryable).toBe(true);
      await expect(Promise.all(inFlight)).resolves.toEqual(Array(5).fill('done'));
      await drained;
      expect(h.server.connectionCount).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('never fails a call it did not run with a non-retryable error, even when drain races the requests', async () => {
    const h = await startMathServer();
    const client = h.client({ reconnect: false });
    try {
      await client.connect();
      const calls = Array.from({ length: 200 }, (_, i) => firstValueFrom(client.send<number>('sum', [i])).catch((e: unknown) => e));
      await h.server.drain(5_000);
      const outcomes = await Promise.all(calls);
      outcomes.forEach((outcome, i) => {
        if (typeof outcome === 'number') expect(outcome).toBe(i);
        else expect(outcome).toBeInstanceOf(ServerDrainingError);
      });
    } finally {
      await h.close();
    }
  });

  it('cuts calls that outlive the drain timeout', async () => {
    const h = await startMathServer();
    const client = h.client({ reconnect: false });
    try {
      const call = firstValueFrom(client.send('slow', 10_000)).catch((e: unknown) => e);
      // The server must have read the request: a call only pending at the client would be refused as not run.
      await waitFor(() => h.server.inFlightCount === 1, 'the server to be running the call');
      const started = Date.now();
      await h.server.drain(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(call).resolves.toBeInstanceOf(ServerClosedError);
    } finally {
      await h.close();
    }
  });
});
