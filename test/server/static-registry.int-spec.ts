import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcClientModule } from '@nestrpc/client';
import { RpcServerAddress, RpcServerHost, RpcServerModule, RpcService } from '@nestrpc/server';

abstract class PingService {
  abstract ping(): Promise<string>;
}

@RpcService(PingService, { version: '1.0.0' })
class Ping implements PingService {
  async ping(): Promise<string> {
    return 'pong';
  }
}

/** Both starters build their registry with discovery's one createRegistry, so `static` works on each side. */
describe('a static registry config in both starters', () => {
  let server: INestApplicationContext | undefined;
  let client: INestApplicationContext | undefined;

  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = server = undefined;
  });

  it('the server registers into its static registry and the client calls it from a static list', async () => {
    @Module({ imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 }, registry: { static: {} }, deregisterGraceMs: 0 })], providers: [Ping] })
    class ServerModule {}
    server = await NestFactory.createApplicationContext(ServerModule, { logger: false });
    expect(server.get(RpcServerHost).instances.map((i) => `${i.service}@${i.version}`)).toEqual(['PingService@1.0.0']);
    const { host, port } = server.get(RpcServerAddress).bound();
    expect(host).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);

    @Module({
      imports: [RpcClientModule.forRoot({ registry: { static: { PingService: [`127.0.0.1:${port}@1.0.0`] } } }), RpcClientModule.forFeature([{ contract: PingService, version: '^1' }])],
    })
    class ClientModule {}
    client = await NestFactory.createApplicationContext(ClientModule, { logger: false });
    await expect(client.get(PingService).ping()).resolves.toBe('pong');
  });
});
