import { once } from 'events';
import { AddressInfo, connect, createServer, Server, Socket } from 'net';
import { SHARED_READ_BUFFER_BYTES, SharedBufferReads, sharedReadBuffer } from './shared-read-buffer';

/** Calls the onread callback as Node does (`bytes` bytes were read into the buffer); returns whether reading goes on. */
function read(reads: SharedBufferReads, text: string): boolean {
  const buffer = sharedReadBuffer();
  const bytes = buffer.write(text, 0);
  const callback = reads.onread.callback as (bytes: number, buffer: Uint8Array) => boolean;
  return callback(bytes, buffer);
}

describe('sharedReadBuffer', () => {
  it('is one buffer of SHARED_READ_BUFFER_BYTES for the whole process', () => {
    const buffer = sharedReadBuffer();
    expect(buffer.length).toBe(SHARED_READ_BUFFER_BYTES);
    expect(sharedReadBuffer()).toBe(buffer);
    expect(new SharedBufferReads().onread.buffer).toBe(sharedReadBuffer); // Node calls it after every read
  });
});

describe('SharedBufferReads', () => {
  it('hands each read to the attached sink as a view of the shared buffer, not a copy, and goes on reading', () => {
    const reads = new SharedBufferReads();
    const chunks: Buffer[] = [];
    expect(reads.attach((chunk) => chunks.push(chunk))).toBeUndefined();
    expect(read(reads, 'hello')).toBe(true);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].buffer).toBe(sharedReadBuffer().buffer);
    expect(chunks[0].toString()).toBe('hello');
  });

  it('copies a read that comes before a sink is attached, stops reading there, and hands it back on attach', () => {
    const reads = new SharedBufferReads();
    expect(read(reads, 'first')).toBe(false); // reading stops: a peer cannot make it hold more
    sharedReadBuffer().fill(0, 0, 5); // what another socket's read does to the shared buffer
    expect(reads.earlyBytes).toBe('first'.length);
    const seen: string[] = [];
    const early = reads.attach((chunk) => seen.push(chunk.toString()));
    expect(early?.toString()).toBe('first');
    expect(seen).toEqual([]); // the caller consumes it, then resumes the socket
    expect(reads.earlyBytes).toBe(0);
    expect(read(reads, 'second')).toBe(true);
    expect(seen).toEqual(['second']);
  });

  describe('on real sockets', () => {
    let server: Server;
    let port: number;
    const peers: Socket[] = [];
    const sockets: Socket[] = [];

    beforeAll(async () => {
      server = createServer((socket) => {
        socket.on('error', () => undefined);
        peers.push(socket);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      for (const socket of [...sockets, ...peers]) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    /** A client socket reading through `reads`, connected, and the server's end of it. */
    async function open(reads: SharedBufferReads): Promise<[Socket, Socket]> {
      const socket = connect({ host: '127.0.0.1', port, onread: reads.onread });
      socket.on('error', () => undefined);
      sockets.push(socket);
      await once(socket, 'connect');
      let peer: Socket | undefined;
      while ((peer = peers.find((p) => p.remotePort === socket.localPort)) === undefined) await new Promise((resolve) => setImmediate(resolve));
      return [socket, peer];
    }

    it('holds at most one read for a socket not yet attached, however much the peer sends', async () => {
      const reads = new SharedBufferReads();
      const [socket, peer] = await open(reads);
      const sent = Buffer.alloc(16 * 1024 * 1024, 7);
      peer.end(sent);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reads.earlyBytes).toBeGreaterThan(0);
      expect(reads.earlyBytes).toBeLessThanOrEqual(SHARED_READ_BUFFER_BYTES);
      let received = 0;
      const early = reads.attach((chunk) => (received += chunk.length));
      received += early?.length ?? 0;
      socket.resume();
      await once(socket, 'end');
      expect(received).toBe(sent.length);
    });

    it('two sockets read into the same memory, each read consumed before the next overwrites it', async () => {
      const received = [new Array<string>(), new Array<string>()];
      const pairs = await Promise.all(
        received.map((into) => {
          const reads = new SharedBufferReads();
          reads.attach((chunk) => {
            expect(chunk.buffer).toBe(sharedReadBuffer().buffer);
            into.push(chunk.toString());
          });
          return open(reads);
        }),
      );
      // Both peers write at once: the reads interleave on the one buffer.
      const texts = ['a'.repeat(100_000), 'b'.repeat(100_000)];
      pairs.forEach(([, peer], i) => peer.end(texts[i]));
      await Promise.all(pairs.map(([socket]) => once(socket, 'end')));
      expect(received.map((chunks) => chunks.join(''))).toEqual(texts);
    });
  });
});
