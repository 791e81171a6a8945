import { Module } from '@nestjs/common';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StaticRegistry } from '@nestrpc/discovery';
import { RpcClientModule } from '@nestrpc/client';
import { GreeterProvider, GreeterService, startGreeter } from './fixtures/greeter';

/** `/hello` without a name used to answer `hi null`: JSON turns an `undefined` array item into `null`. */
describe('proxy calls with undefined arguments (JSON serializer)', () => {
  let provider: GreeterProvider;
  let registry: StaticRegistry;
  let app: INestApplicationContext;

  beforeAll(async () => {
    provider = await startGreeter('g1');
    registry = new StaticRegistry({ services: [{ id: 'g1', service: 'GreeterService', version: '1.0.0', host: '127.0.0.1', port: provider.port }] });
    @Module({ imports: [RpcClientModule.forRoot({ registry: { use: registry } }), RpcClientModule.forFeature([{ contract: GreeterService, version: '^1' }])] })
    class ConsumerModule {}
    app = await NestFactory.createApplicationContext(ConsumerModule, { logger: false });
  });

  afterAll(async () => {
    await app.close();
    await provider.close();
    await registry.close();
  });

  it('delivers a trailing undefined argument as undefined, not null', async () => {
    const greeter = app.get(GreeterService);
    await expect(greeter.hello(undefined as unknown as string)).resolves.toBe('hello undefined from g1@1.0.0');
  });

  it('still delivers defined arguments and explicit nulls as sent', async () => {
    const greeter = app.get(GreeterService);
    await expect(greeter.hello('ann')).resolves.toBe('hello ann from g1@1.0.0');
    await expect(greeter.hello(null as unknown as string)).resolves.toBe('hello null from g1@1.0.0');
  });
});
