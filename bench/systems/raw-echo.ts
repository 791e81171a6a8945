import { createServer } from 'net';
import { LengthPrefixedReader, TickBatchedWriter, withLengthPrefix } from '../lib/length-prefixed';
import { Fifo } from '../lib/fifo';
import { BenchPayload } from '../lib/payloads';
import { listenOnLoopback, openSocket, Waiter } from './raw-json';
import { BenchSystem } from './types';

/**
 * The floor of any RPC in Node: the client writes length-prefixed N-byte messages (N = the
 * payload's JSON size, encoded once), the server echoes the bytes untouched, answers are matched
 * in order. No serialization, no ids, writes batched per tick.
 */
export const rawEchoSystem: BenchSystem = {
  startServer() {
    const server = createServer((socket) => {
      const writer = new TickBatchedWriter(socket);
      const reader = new LengthPrefixedReader((_body, message) => writer.write(message));
      socket.on('data', (chunk: Buffer) => reader.feed(chunk));
      socket.on('error', () => socket.destroy());
    });
    return listenOnLoopback(server);
  },

  async createClient({ host, ports }) {
    const socket = await openSocket(host, ports[0]);
    const writer = new TickBatchedWriter(socket);
    const encoded = new WeakMap<BenchPayload, Buffer>();
    const waiting = new Fifo<Waiter>();
    const reader = new LengthPrefixedReader((body) => waiting.shift()?.resolve(body));
    socket.on('data', (chunk: Buffer) => reader.feed(chunk));
    socket.on('close', () => {
      const closed = new Error('raw-echo connection closed');
      for (const waiter of waiting.takeAll()) waiter.reject(closed);
    });
    return {
      call(payload) {
        let message = encoded.get(payload);
        if (message === undefined) {
          message = withLengthPrefix(Buffer.from(JSON.stringify(payload)));
          encoded.set(payload, message);
        }
        const bytes = message;
        return new Promise((resolve, reject) => {
          waiting.push({ resolve, reject });
          writer.write(bytes);
        });
      },
      close: async () => {
        socket.destroy();
      },
    };
  },
};
