import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RegistryUnavailableError } from '@nestrpc/discovery';
import { RpcServerModule, RpcService } from '@nestrpc/server';
import { freePort } from '../support/free-port';

abstract class PingService {
  abstract ping(): Promise<string>;
}

@RpcService(PingService)
class Ping implements PingService {
  async ping(): Promise<string> {
    return 'pong';
  }
}

describe('RpcServerModule when etcd is unreachable at start', () => {
  it('fails start-up within a bounded time with an error naming the endpoints, and leaves nothing open', async () => {
    const deadPort = await freePort();
    const rpcPort = await freePort();
    @Module({
      imports: [
        RpcServerModule.forRoot({
          listen: { host: '127.0.0.1', port: rpcPort },
          registry: { etcd: { hosts: `http://127.0.0.1:${deadPort}`, callTimeoutMs: 500 } },
        }),
      ],
      providers: [Ping],
    })
    class AppModule {}

    const started = Date.now();
    // createApplicationContext runs the bootstrap hooks, where registration happens.
    const error = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toContain(`127.0.0.1:${deadPort}`);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The RPC port was released: it can be bound again.
    const { createServer } = await import('net');
    await new Promise<void>((resolve, reject) => {
      const probe = createServer().once('error', reject).listen(rpcPort, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });
});
