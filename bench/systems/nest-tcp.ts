import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, MicroserviceOptions, Transport } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, count } from 'rxjs';
import { BenchModule } from '../nest/bench.controller';
import { freePort } from '../../test/support/free-port';
import { BenchSystem } from './types';

/** Nest's built-in TCP transport (same @nestjs/microservices version as ours), same controller. */
export const nestTcpSystem: BenchSystem = {
  async startServer() {
    const port = await freePort();
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    await app.listen();
    return { port, close: () => app.close() };
  },

  async createClient({ host, ports }) {
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host, port: ports[0] } });
    await client.connect();
    return {
      call: (payload) => firstValueFrom(client.send('echo', payload)),
      stream: (values) => lastValueFrom(client.send('stream', values).pipe(count())),
      close: () => client.close(),
    };
  },
};
