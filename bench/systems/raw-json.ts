import { createServer, connect, Server, Socket } from 'net';
import { encodeJsonMessage, LengthPrefixedReader, TickBatchedWriter } from '../lib/length-prefixed';
import { BenchSystem, ServerHandle } from './types';

interface JsonMessage {
  id: number;
  data: unknown;
}

/** A caller waiting for its answer (shared by the raw ceilings). */
export interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Ceiling for a JSON RPC in plain `net`: `u32be length | JSON {id, data}` both ways, answers
 * matched by id through a pending map, writes batched per tick. No Nest, no metadata, no timers.
 */
export const rawJsonSystem: BenchSystem = {
  startServer() {
    const server = createServer((socket) => {
      const writer = new TickBatchedWriter(socket);
      const reader = new LengthPrefixedReader((body) => {
        const request = JSON.parse(body.toString('utf8')) as JsonMessage;
        writer.write(encodeJsonMessage({ id: request.id, data: request.data }));
      });
      socket.on('data', (chunk: Buffer) => reader.feed(chunk));
      socket.on('error', () => socket.destroy());
    });
    return listenOnLoopback(server);
  },

  async createClient({ host, ports }) {
    const socket = await openSocket(host, ports[0]);
    const writer = new TickBatchedWriter(socket);
    const pending = new Map<number, Waiter>();
    let nextId = 0;
    const reader = new LengthPrefixedReader((body) => {
      const answer = JSON.parse(body.toString('utf8')) as JsonMessage;
      const waiter = pending.get(answer.id);
      if (waiter === undefined) return;
      pending.delete(answer.id);
      waiter.resolve(answer.data);
    });
    socket.on('data', (chunk: Buffer) => reader.feed(chunk));
    socket.on('close', () => {
      const closed = new Error('raw-json connection closed');
      for (const waiter of pending.values()) waiter.reject(closed);
      pending.clear();
    });
    return {
      call(payload) {
        const id = (nextId = (nextId + 1) >>> 0);
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          writer.write(encodeJsonMessage({ id, data: payload }));
        });
      },
      close: async () => {
        socket.destroy();
      },
    };
  },
};

export function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => socket.destroy());
      resolve(socket);
    });
  });
}

/** Listens on a free loopback port; the handle closes the server. Shared by the raw ceilings. */
export function listenOnLoopback(server: Server): Promise<ServerHandle> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ port, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
