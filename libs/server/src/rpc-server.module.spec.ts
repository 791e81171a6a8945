import { Injectable, Module, Scope } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { RpcClient, RpcServer } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { RpcService } from './decorators/rpc-service.decorator';
import { RpcServerModule } from './rpc-server.module';

abstract class EchoService {}

@RpcService(EchoService)
class Echo {
  async echo(value: unknown): Promise<unknown> {
    return value;
  }
}

@RpcService(EchoService)
class EchoAgain {
  async echo(): Promise<string> {
    return 'again';
  }
}

@Injectable({ scope: Scope.REQUEST })
@RpcService(EchoService, { version: '2.0.0' })
class PerRequestEcho {
  async echo(): Promise<string> {
    return 'per request';
  }
}

@Injectable()
class PortConfig {
  readonly port = 0;
}

@Module({ providers: [PortConfig], exports: [PortConfig] })
class ConfigModule {}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('RpcServerModule', () => {
  let moduleRef: TestingModule | undefined;

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('forRootAsync takes its options from an injected factory', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [RpcServerModule.forRootAsync({ imports: [ConfigModule], inject: [PortConfig], useFactory: (config: PortConfig) => ({ listen: { port: config.port } }) })],
      providers: [Echo],
    })
      .setLogger(quiet)
      .compile();
    await moduleRef.init();
    const client = new RpcClient({ host: '127.0.0.1', port: moduleRef.get(RpcServer).address().port });
    try {
      await expect(firstValueFrom(client.send('EchoService.echo', [{ n: 1 }]))).resolves.toEqual({ n: 1 });
    } finally {
      await client.close();
    }
  });

  it.each([
    ['two providers of the same service version', [Echo, EchoAgain], 'Two @RpcService providers serve EchoService.echo version 1.0.0'],
    ['a request-scoped @RpcService', [Echo, PerRequestEcho], '@RpcService PerRequestEcho must be a singleton'],
  ])('refuses to start with %s, before it listens', async (_, providers, message) => {
    const ref = await Test.createTestingModule({ imports: [RpcServerModule.forRoot({})], providers }).setLogger(quiet).compile();
    await expect(ref.init()).rejects.toThrow(message);
    expect(() => ref.get(RpcServer).address()).toThrow('RpcServer is not listening');
  });
});
