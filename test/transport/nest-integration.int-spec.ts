import { Controller, Get, Inject, INestApplication, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { RpcClient, RpcServer } from '@nestrpc/transport';
import { MathController } from './fixtures/math.controller';

@Controller()
class GatewayController {
  constructor(@Inject('MATH') private readonly math: ClientProxy) {}

  @Get('sum')
  sum(@Query('a') a: string, @Query('b') b: string): Promise<number> {
    return firstValueFrom(this.math.send<number>('sum', [Number(a), Number(b)]));
  }
}

describe('the Nest way: hybrid app + ClientsModule', () => {
  let provider: INestApplication;
  let gateway: INestApplication;

  afterAll(async () => {
    await gateway?.close();
    await provider?.close();
  });

  it('serves @MessagePattern handlers from a hybrid HTTP app and calls them through ClientsModule', async () => {
    @Module({ controllers: [MathController] })
    class ProviderModule {}
    provider = await NestFactory.create(ProviderModule, { logger: false });
    const strategy = new RpcServer({ host: '127.0.0.1', port: 0 });
    provider.connectMicroservice({ strategy }, { inheritAppConfig: true });
    await provider.startAllMicroservices();
    await provider.listen(0, '127.0.0.1');
    const rpcPort = strategy.address().port;

    @Module({
      imports: [ClientsModule.register([{ name: 'MATH', customClass: RpcClient, options: { host: '127.0.0.1', port: rpcPort } }])],
      controllers: [GatewayController],
    })
    class GatewayModule {}
    gateway = await NestFactory.create(GatewayModule, { logger: false });
    await gateway.listen(0, '127.0.0.1');

    const response = await fetch(`${await gateway.getUrl()}/sum?a=20&b=22`);
    expect(response.status).toBe(200);
    await expect(response.text()).resolves.toBe('42');
    expect(gateway.get('MATH')).toBeInstanceOf(RpcClient);
  });
});
