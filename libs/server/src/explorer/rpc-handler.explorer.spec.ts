import { INestApplicationContext, Module, PipeTransform } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { RpcClient, RpcContext, RpcRecord, RpcServer } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { Arg } from '../decorators/arg.decorator';
import { RpcService } from '../decorators/rpc-service.decorator';
import { RpcServerModule } from '../rpc-server.module';

abstract class ParamsService {}

class Upper implements PipeTransform {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

/** Every documented parameter decorator of an @RpcService method, alone and mixed. */
@RpcService(ParamsService)
class Params {
  async plain(a: string, b: number): Promise<unknown> {
    return [a, b];
  }
  async ctxLast(name: string, @Ctx() ctx: RpcContext): Promise<unknown> {
    return [name, ctx.getHeader('tenant')];
  }
  async ctxFirst(@Ctx() ctx: RpcContext, name: string, times: number): Promise<unknown> {
    return [ctx.getPattern(), name, times];
  }
  async argAndCtx(@Arg(0, Upper) name: string, @Ctx() ctx: RpcContext, times: number): Promise<unknown> {
    return [name, ctx instanceof RpcContext, times];
  }
  async payload(@Payload() all: unknown[], @Ctx() ctx: RpcContext): Promise<unknown> {
    return [all, ctx.getHeader('tenant')];
  }
  async argOnly(@Arg(1) second: string): Promise<unknown> {
    return [second];
  }
}

@Module({ imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 } })], providers: [Params] })
class ParamsModule {}

describe('RpcHandlerExplorer parameter binding (@Arg, @Payload, @Ctx)', () => {
  let app: INestApplicationContext;
  let client: RpcClient;
  const call = (method: string, args: unknown[]) =>
    firstValueFrom(client.send(`ParamsService.${method}`, new RpcRecord(args, { headers: { tenant: 'acme' } })));

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(ParamsModule, { logger: false });
    await app.init();
    client = new RpcClient({ host: '127.0.0.1', port: app.get(RpcServer).address().port });
  });

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('passes undecorated parameters positionally', async () => {
    await expect(call('plain', ['x', 2])).resolves.toEqual(['x', 2]);
  });

  it('@Ctx() after an argument keeps the argument', async () => {
    await expect(call('ctxLast', ['bob'])).resolves.toEqual(['bob', 'acme']);
  });

  it('@Ctx() first takes no argument slot', async () => {
    await expect(call('ctxFirst', ['bob', 3])).resolves.toEqual(['ParamsService.ctxFirst', 'bob', 3]);
  });

  it('@Arg with a pipe, @Ctx() and an undecorated parameter mix', async () => {
    await expect(call('argAndCtx', ['bob', 3])).resolves.toEqual(['BOB', true, 3]);
  });

  it('@Payload() gives the whole argument list', async () => {
    await expect(call('payload', [1, 2, 3])).resolves.toEqual([[1, 2, 3], 'acme']);
  });

  it('@Arg(i) alone picks argument i', async () => {
    await expect(call('argOnly', ['first', 'second'])).resolves.toEqual(['second']);
  });
});
