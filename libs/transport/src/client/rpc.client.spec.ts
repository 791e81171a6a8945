import type { NetConnectOpts } from 'net';
import { MessageHandler } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { settledHeldMemory } from '../../../../test/support/heap';
import { SHARED_READ_BUFFER_BYTES, sharedReadBuffer } from '../connection/shared-read-buffer';
import { RpcServer } from '../server/rpc.server';
import { MsgpackSerializer } from '../serializers/msgpack.serializer';
import { Serializer } from '../serializers/serializer';
import { RpcClient } from './rpc.client';
import { RpcClientOptions } from './rpc-client.options';

/** Returns the body itself: a view of the received bytes (what `keepsNoBodyView` must not claim). */
class ViewSerializer extends Serializer {
  readonly id = 200;
  readonly name = 'view';
  serialize(value: unknown): Uint8Array {
    return value as Buffer;
  }
  deserialize(body: Buffer): unknown {
    return body;
  }
}

async function echoServer(): Promise<RpcServer> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0, serializers: ['json', 'msgpack', new ViewSerializer()] });
  server.addHandler('echo', (async (data: unknown) => data) as MessageHandler, false);
  server.addHandler('blob', (async (bytes: number) => 'x'.repeat(bytes)) as MessageHandler, false);
  await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  return server;
}

type ConnectOptions = NetConnectOpts & { port?: number; onread?: unknown };

/** The options of every net.connect() to `port` (other test files' clients may connect elsewhere meanwhile). */
function connectsTo(connect: jest.SpyInstance, port: number): ConnectOptions[] {
  return connect.mock.calls.map(([options]) => options as ConnectOptions).filter((options) => options.port === port);
}

/** Whether the one socket opened to `port` reads into the shared buffer (`onread`). */
function readsIntoSharedBuffer(connect: jest.SpyInstance, port: number): boolean {
  const calls = connectsTo(connect, port);
  expect(calls).toHaveLength(1);
  return calls[0].onread !== undefined;
}

describe('RpcClient reads', () => {
  let server: RpcServer;
  let client: RpcClient | undefined;
  let connect: jest.SpyInstance;

  beforeAll(async () => {
    server = await echoServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    // The module object itself (what the client calls through), not an import namespace.
    connect = jest.spyOn(require('net') as typeof import('net'), 'connect');
  });
  afterEach(async () => {
    connect.mockRestore();
    await client?.close();
    client = undefined;
  });

  function start(options: RpcClientOptions): Promise<unknown> {
    client = new RpcClient({ port: server.address().port, reconnect: false, ...options });
    return client.connect();
  }

  it('reads into the shared buffer with the built-in serializers, and every answer stays intact after later reads', async () => {
    await start({ serializer: 'msgpack' });
    expect(readsIntoSharedBuffer(connect, server.address().port)).toBe(true);
    // 64 at once, 20 KiB each: answers span reads, and each read overwrites the one before.
    const sent = Array.from({ length: 64 }, (_, i) => ({ i, bin: Buffer.alloc(10_000, i), text: `${i}:`.padEnd(10_000, String(i % 10)) }));
    const answers = (await Promise.all(sent.map((value) => firstValueFrom((client as RpcClient).send('echo', value))))) as typeof sent;
    // Checked only once all have arrived: a value viewing the read buffer would now hold later bytes.
    // (Buffer.equals, not toEqual: a byte-by-byte deep compare of 1.3 MB blocks the loop for seconds.)
    const intact = answers.filter((answer, i) => answer.i === i && answer.text === sent[i].text && Buffer.isBuffer(answer.bin) && answer.bin.equals(sent[i].bin));
    expect(intact).toHaveLength(sent.length);
  });

  it('holds one read buffer for the process however many connections read into it', async () => {
    sharedReadBuffer(); // allocated once, at the first such connection: not counted below
    const before = await settledHeldMemory();
    const port = server.address().port;
    const clients = Array.from({ length: 20 }, () => new RpcClient({ port, reconnect: false }));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      // Answers of 300 KiB: every connection reads more than the whole shared buffer.
      await Promise.all(clients.map((c) => firstValueFrom(c.send('blob', 300 * 1024))));
      await new Promise((resolve) => setTimeout(resolve, 50)); // the server's writes complete and let go of the answers
      const perConnection = ((await settledHeldMemory()) - before) / clients.length;
      const calls = connectsTo(connect, port);
      expect(calls).toHaveLength(clients.length);
      expect(calls.every((options) => options.onread !== undefined)).toBe(true);
      // Each connection (both ends: the server runs here too) keeps its own state, not a read buffer.
      expect(perConnection).toBeLessThan(SHARED_READ_BUFFER_BYTES / 4);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('reads into fresh buffers when a serializer may return a view of the body, so kept values are not overwritten', async () => {
    await start({ serializer: new ViewSerializer() });
    expect(readsIntoSharedBuffer(connect, server.address().port)).toBe(false);
    const kept: Buffer[] = [];
    for (let i = 0; i < 20; i++) kept.push((await firstValueFrom((client as RpcClient).send('echo', Buffer.alloc(1000, i)))) as Buffer);
    kept.forEach((answer, i) => expect(answer).toEqual(Buffer.alloc(1000, i)));
  });

  it('reads into fresh buffers with msgpack copyBuffers off (its binary values are views)', async () => {
    await start({ serializer: new MsgpackSerializer({ copyBuffers: false }) });
    expect(readsIntoSharedBuffer(connect, server.address().port)).toBe(false);
  });
});
