import { once } from 'events';
import { connect, Socket } from 'net';
import { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcClient, RpcClientOptions, RpcServer, RpcServerOptions } from '@nestrpc/transport';
import { MathModule } from './fixtures/math.module';

export interface MathHarness {
  app: INestMicroservice;
  server: RpcServer;
  port: number;
  client(options?: RpcClientOptions): RpcClient;
  close(): Promise<void>;
}

/** Starts the math fixture (or another fixture `module`) as a Nest microservice on a free loopback port. */
export async function startMathServer(options: RpcServerOptions = {}, module: Type = MathModule): Promise<MathHarness> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0, ...options });
  const app = await NestFactory.createMicroservice(module, { strategy: server, logger: false });
  await app.listen();
  const port = server.address().port;
  const clients: RpcClient[] = [];
  return {
    app,
    server,
    port,
    client(clientOptions: RpcClientOptions = {}) {
      const client = new RpcClient({ host: '127.0.0.1', port, ...clientOptions });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
    },
  };
}

/**
 * A raw TCP peer (an attacker or a buggy client) that records when the server closes it. It
 * reads (and drops) what it gets unless `reads` is false: a peer that never reads sees no close.
 */
export async function rawSocket(port: number, reads = true): Promise<{ socket: Socket; closed: Promise<unknown> }> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  if (reads) socket.resume();
  return { socket, closed: new Promise((resolve) => socket.once('close', resolve)) };
}
