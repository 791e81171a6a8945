import { Controller, Get, INestApplication, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { StaticRegistry } from '@nestrpc/discovery';
import { InjectRpc, RpcCall, RpcClientModule, RpcClusterManager } from '@nestrpc/client';
import { lastValueFrom, toArray } from 'rxjs';
import { GreeterProvider, GreeterService, startGreeter } from './fixtures/greeter';

@Injectable()
class Greetings {
  constructor(
    readonly v1: GreeterService,
    @InjectRpc(GreeterService, '2.x') readonly v2: GreeterService,
  ) {}
}

@Controller()
class GreetController {
  constructor(private readonly greeter: GreeterService) {}

  @Get('greet')
  greet(): Promise<string> {
    return this.greeter.hello('http');
  }
}

describe('RpcClientModule: typed proxies injected by contract', () => {
  const providers: GreeterProvider[] = [];
  let registry: StaticRegistry;
  let app: INestApplication;

  beforeAll(async () => {
    providers.push(await startGreeter('g1', '1.2.0'), await startGreeter('g2', '2.0.0'));
    registry = new StaticRegistry({ services: providers.map((p) => ({ id: p.name, service: 'GreeterService', version: p.version, host: '127.0.0.1', port: p.port })) });

    @Module({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ RPC_TIMEOUT_MS: 2000 })] }),
        RpcClientModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ registry: { use: registry }, defaults: { timeoutMs: config.get<number>('RPC_TIMEOUT_MS') } }),
        }),
        RpcClientModule.forFeature([{ contract: GreeterService, version: '^1', methods: { whoami: { idempotent: true } } }]),
      ],
      controllers: [GreetController],
      providers: [Greetings],
    })
    class ConsumerModule {}
    app = await NestFactory.create(ConsumerModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all(providers.map((p) => p.close()));
    await registry.close();
  });

  it('injects a proxy that is an instance of the contract and calls v1', async () => {
    const { v1 } = app.get(Greetings);
    expect(v1).toBeInstanceOf(GreeterService);
    await expect(v1.hello('ann')).resolves.toBe('hello ann from g1@1.2.0');
  });

  it('injects another range with @InjectRpc', async () => {
    await expect(app.get(Greetings).v2.hello('bob')).resolves.toBe('hello bob from g2@2.0.0');
  });

  it('returns calls that are both awaitable and observable (streams)', async () => {
    const call = app.get(Greetings).v1.ticks(3);
    expect(call).toBeInstanceOf(RpcCall);
    await expect(lastValueFrom(call.pipe(toArray()))).resolves.toEqual(['g1:0', 'g1:1', 'g1:2']);
  });

  it('serves HTTP controllers that return proxy calls', async () => {
    const response = await fetch(`${await app.getUrl()}/greet`);
    await expect(response.text()).resolves.toBe('hello http from g1@1.2.0');
  });

  it('never turns Nest lifecycle hooks or await into remote calls', async () => {
    const proxy = app.get(Greetings).v1 as unknown as Record<string, unknown>;
    expect(proxy.then).toBeUndefined();
    expect(proxy.onModuleInit).toBeUndefined();
    expect(proxy.onApplicationShutdown).toBeUndefined();
  });

  it('lists what discovery sees', () => {
    const seen = app.get(RpcClusterManager).describe();
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: 'GreeterService', range: '^1', instances: [expect.objectContaining({ id: 'g1', version: '1.2.0', weight: 1, ejected: false })] }),
        expect.objectContaining({ service: 'GreeterService', range: '2.x', instances: [expect.objectContaining({ id: 'g2', version: '2.0.0' })] }),
      ]),
    );
  });
});
