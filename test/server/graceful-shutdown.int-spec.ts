import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcServerModule, RpcService } from '@nestrpc/server';
import { RpcClient, RpcServer, ServerDrainingError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';

abstract class SlowService {
  abstract wait(ms: number): Promise<string>;
}

@RpcService(SlowService)
class SlowImpl implements SlowService {
  async wait(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'done';
  }
}

@Module({
  imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 }, transport: { drainTimeoutMs: 5_000 } })],
  providers: [SlowImpl],
})
class SlowModule {}

describe('server starter shutdown', () => {
  it('drains: app.close() lets in-flight calls finish (RpcServer.close() alone would cut them) and refuses new ones as not run', async () => {
    const app = await NestFactory.createApplicationContext(SlowModule, { logger: false });
    await app.init();
    const server = app.get(RpcServer);
    const client = new RpcClient({ port: server.address().port, reconnect: false });
    try {
      const call = firstValueFrom(client.send('SlowService.wait', [300]));
      while (server.inFlightCount < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      const closed = app.close();
      while (!server.isDraining()) await new Promise((resolve) => setTimeout(resolve, 5));
      await expect(firstValueFrom(client.send('SlowService.wait', [1]))).rejects.toBeInstanceOf(ServerDrainingError);
      await expect(call).resolves.toBe('done');
      await closed;
    } finally {
      await client.close();
    }
  });
});
