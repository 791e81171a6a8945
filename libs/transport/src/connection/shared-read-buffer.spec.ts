import { once } from 'events';
import { AddressInfo, connect, createServer, Server, Socket } from 'net';
import { SHARED_READ_BUFFER_BYTES, SharedBufferReads, sharedReadBuffer } from './shared-read-buffer';

/** Calls the onread callback as Node does: `bytes` bytes were read into the buffer. */
function read(reads: SharedBufferReads, text: string): void {
  const buffer = sharedReadBuffer();
  const bytes = buffer.write(text, 0);
  const callback = reads.onread.callback as (bytes: number, buffer: Uint8Array) => boolean;
  expect(callback(bytes, buffer)).toBe(true); // never pauses on its own
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
  it('hands each read to the attached sink as a view of the shared buffer, not a copy', () => {
    const reads = new SharedBufferReads();
    const chunks: Buffer[] = [];
    reads.attach((chunk) => chunks.push(chunk));
    read(reads, 'hello');
    expect(chunks).toHaveLength(1);
    expect(chunks[0].buffer).toBe(sharedReadBuffer().buffer);
    expect(chunks[0].toString()).toBe('hello');
  });

  it('copies reads that come before a sink is attached and hands them over in order', () => {
    const reads = new SharedBufferReads();
    read(reads, 'first');
    read(reads, 'second'); // overwrites the shared buffer under 'first'
    expect(reads.earlyBytes).toBe('firstsecond'.length);
    const seen: string[] = [];
    reads.attach((chunk) => seen.push(chunk.toString()));
    expect(seen).toEqual(['first', 'second']);
    expect(reads.earlyBytes).toBe(0);
    read(reads, 'third');
    expect(seen).toEqual(['first', 'second', 'third']);
  });

  describe('on real sockets', () => {
    let server: Server;
    let port: number;
    const peers: Socket[] = [];

    beforeAll(async () => {
      server = createServer((socket) => peers.push(socket));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      for (const peer of peers) peer.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('two sockets read into the same memory, each read consumed before the next overwrites it', async () => {
      const received = [new Array<string>(), new Array<string>()];
      const sockets = received.map((into) => {
        const reads = new SharedBufferReads();
        reads.attach((chunk) => {
          expect(chunk.buffer).toBe(sharedReadBuffer().buffer);
          into.push(chunk.toString());
        });
        return connect({ host: '127.0.0.1', port, onread: reads.onread });
      });
      await Promise.all(sockets.map((socket) => once(socket, 'connect')));
      while (peers.length < 2) await new Promise((resolve) => setImmediate(resolve));
      // Both peers write at once: the reads interleave on the one buffer.
      const a = 'a'.repeat(100_000);
      const b = 'b'.repeat(100_000);
      const peerOf = (socket: Socket) => peers.find((peer) => peer.remotePort === socket.localPort) as Socket;
      peerOf(sockets[0]).end(a);
      peerOf(sockets[1]).end(b);
      await Promise.all(sockets.map((socket) => once(socket, 'end')));
      expect(received[0].join('')).toBe(a);
      expect(received[1].join('')).toBe(b);
      for (const socket of sockets) socket.destroy();
    });
  });
});
