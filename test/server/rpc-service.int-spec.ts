import {
  CallHandler,
  CanActivate,
  Controller,
  ExecutionContext,
  Injectable,
  INestApplication,
  INestApplicationContext,
  Module,
  NestInterceptor,
  PipeTransform,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Arg, RpcServerModule, RpcService } from '@nestrpc/server';
import { RpcClient, RpcContext, RpcRecord, RpcServer, UnknownPatternError } from '@nestrpc/transport';
import { firstValueFrom, map, Observable, of } from 'rxjs';

abstract class CalcService {
  abstract add(a: number, b: number): Promise<number>;
  abstract version(): Promise<string>;
  abstract shout(text: string): Promise<string>;
  abstract secret(): Promise<string>;
  abstract wrapped(): Promise<unknown>;
  abstract fail(): Promise<never>;
  abstract count(n: number): Observable<number>;
}

@Injectable()
class TenantGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToRpc().getContext<RpcContext>().getHeader('tenant') === 'acme';
  }
}

@Injectable()
class TrimUpperPipe implements PipeTransform<unknown> {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? value.trim().toUpperCase() : value;
  }
}

@Injectable()
class EnvelopeInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

@RpcService(CalcService, { version: '1.0.0', weight: 2 })
class CalcV1 implements CalcService {
  async add(a: number, b: number): Promise<number> {
    return a + b;
  }
  async version(): Promise<string> {
    return '1.0.0';
  }
  @UsePipes(TrimUpperPipe)
  async shout(text: string): Promise<string> {
    return `${text}!`;
  }
  @UseGuards(TenantGuard)
  async secret(): Promise<string> {
    return 'for acme only';
  }
  @UseInterceptors(EnvelopeInterceptor)
  async wrapped(): Promise<unknown> {
    return 42;
  }
  async fail(): Promise<never> {
    throw new RpcException({ code: 'E_CALC', message: 'cannot' });
  }
  count(n: number): Observable<number> {
    return of(...Array.from({ length: n }, (_, i) => i));
  }
}

@RpcService(CalcService, { version: '2.1.0' })
class CalcV2 extends CalcV1 {
  override async add(a: number, b: number): Promise<number> {
    return (a + b) * 10;
  }
  override async version(): Promise<string> {
    return '2.1.0';
  }
  async explicit(@Arg(1, TrimUpperPipe) second: string): Promise<string> {
    return second;
  }
}

@Controller()
class PlainController {
  @MessagePattern('plain.echo')
  echo(@Payload() data: unknown): unknown {
    return data;
  }
}

@Module({
  imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 } })],
  controllers: [PlainController],
  providers: [CalcV1, CalcV2, TenantGuard],
})
class ProviderModule {}

function call<T>(client: RpcClient, method: string, args: unknown[], options: ConstructorParameters<typeof RpcRecord>[1] = {}): Promise<T> {
  return firstValueFrom(client.send<T>(`CalcService.${method}`, new RpcRecord(args, options)));
}

describe.each([
  ['hybrid HTTP app', async () => {
    const app = await NestFactory.create(ProviderModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    return app;
  }],
  ['standalone application context', async () => {
    const app = await NestFactory.createApplicationContext(ProviderModule, { logger: false });
    await app.init();
    return app;
  }],
] as [string, () => Promise<INestApplication | INestApplicationContext>][])('@RpcService in a %s', (_kind, start) => {
  let app: INestApplication | INestApplicationContext;
  let client: RpcClient;

  beforeAll(async () => {
    app = await start();
    client = new RpcClient({ host: '127.0.0.1', port: app.get(RpcServer).address().port });
  });

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('calls methods with the caller\'s positional arguments', async () => {
    await expect(call(client, 'add', [2, 3], { version: '1.0.0' })).resolves.toBe(5);
  });

  it('routes by the version in the call, and to the newest without one', async () => {
    await expect(call(client, 'version', [], { version: '1.0.0' })).resolves.toBe('1.0.0');
    await expect(call(client, 'version', [], { version: '2.1.0' })).resolves.toBe('2.1.0');
    await expect(call(client, 'add', [2, 3], { version: '2.1.0' })).resolves.toBe(50);
    await expect(call(client, 'version', [])).resolves.toBe('2.1.0');
  });

  it('answers an unknown version with a clear error', async () => {
    await expect(call(client, 'version', [], { version: '9.9.9' })).rejects.toMatchObject({ code: 'VERSION_NOT_FOUND' });
  });

  it('answers an unknown method with UnknownPatternError', async () => {
    await expect(call(client, 'nope', [])).rejects.toBeInstanceOf(UnknownPatternError);
  });

  it('applies pipes to the arguments', async () => {
    await expect(call(client, 'shout', ['  hey '], { version: '1.0.0' })).resolves.toBe('HEY!');
    await expect(call(client, 'explicit', ['a', '  b '], { version: '2.1.0' })).resolves.toBe('B');
  });

  it('applies guards, which see the call context', async () => {
    await expect(call(client, 'secret', [], { version: '1.0.0', headers: { tenant: 'acme' } })).resolves.toBe('for acme only');
    await expect(call(client, 'secret', [], { version: '1.0.0', headers: { tenant: 'evil' } })).rejects.toMatchObject({ message: 'Forbidden resource' });
  });

  it('applies interceptors', async () => {
    await expect(call(client, 'wrapped', [], { version: '1.0.0' })).resolves.toEqual({ wrapped: 42 });
  });

  it('carries RpcException payloads to the caller', async () => {
    await expect(call(client, 'fail', [], { version: '1.0.0' })).rejects.toEqual({ code: 'E_CALC', message: 'cannot' });
  });

  it('streams Observable results', async () => {
    const values: number[] = [];
    await new Promise<void>((resolve, reject) =>
      client.send<number>('CalcService.count', new RpcRecord([3], { version: '1.0.0' })).subscribe({ next: (v) => values.push(v), error: reject, complete: resolve }),
    );
    expect(values).toEqual([0, 1, 2]);
  });

  it('keeps serving plain @MessagePattern handlers in the same app', async () => {
    await expect(firstValueFrom(client.send('plain.echo', { ok: true }))).resolves.toEqual({ ok: true });
  });
});
