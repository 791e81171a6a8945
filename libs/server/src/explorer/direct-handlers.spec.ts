import {
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  Logger,
  Module,
  NestInterceptor,
  PipeTransform,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE, ExternalContextCreator, NestFactory } from '@nestjs/core';
import { Ctx, Payload, RpcException } from '@nestjs/microservices';
import { isObservable, lastValueFrom, Observable, of, toArray } from 'rxjs';
import { Arg } from '../decorators/arg.decorator';
import { isDirectHandler } from './direct-handlers';
import { ROUTE_ARGS_METADATA } from './nest-metadata';
import { rpcContextCreator } from './rpc-context-creator';
import { RpcParamsFactory } from './rpc-params.factory';

type Handler = (...args: unknown[]) => Promise<unknown>;

class Upper implements PipeTransform {
  transform(value: unknown): unknown {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

class Deny implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

class Wrap implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

@Catch(RpcException)
class AnswerFilter implements ExceptionFilter {
  catch(exception: RpcException, _host: ArgumentsHost): Observable<unknown> {
    return of({ filtered: exception.getError() });
  }
}

/** A custom parameter decorator whose value is a promise: Nest awaits it before the call. */
const Later = createParamDecorator((data: string, context: ExecutionContext) => Promise.resolve(`${data}:${String(context.switchToRpc().getData())}`));

/** Shows when the method ran relative to the handler call. */
const ran: string[] = [];

@Injectable()
class Plain {
  payload(@Payload() data: unknown, @Ctx() ctx: unknown): unknown {
    ran.push('payload');
    return { data, ctx };
  }
  keyed(@Payload('name') name: unknown): unknown {
    return name;
  }
  undecorated(...args: unknown[]): unknown {
    return args;
  }
  positional(@Arg(1) second: unknown, @Arg(0) first: unknown): unknown {
    return [first, second];
  }
  async later(@Later('x') value: unknown): Promise<unknown> {
    return value;
  }
  stream(): Observable<number> {
    return of(1, 2, 3);
  }
  throwsDomain(): never {
    throw new RpcException({ code: 'OUT_OF_STOCK' });
  }
  async rejectsDomain(): Promise<never> {
    throw new RpcException({ code: 'LATE' });
  }
  async rejectsBug(): Promise<never> {
    throw new TypeError('bug');
  }
  @UseFilters(AnswerFilter)
  filtered(): never {
    throw new RpcException('caught');
  }
  @UseGuards(Deny)
  guarded(): unknown {
    return 'never';
  }
  @UseInterceptors(Wrap)
  intercepted(): unknown {
    return 'wrapped';
  }
  @UsePipes(Upper)
  piped(@Payload() text: unknown): unknown {
    return text;
  }
  paramPiped(@Payload(Upper) text: unknown): unknown {
    return text;
  }
  argPiped(@Arg(0, Upper) text: unknown): unknown {
    return text;
  }
}

@UseGuards(Deny)
@Injectable()
class ClassGuarded {
  open(@Payload() data: unknown): unknown {
    return data;
  }
}

@Injectable()
class Globally {
  open(@Payload() data: unknown): unknown {
    return data;
  }
}

@Module({ providers: [Plain, ClassGuarded] })
class PlainModule {}

/** Nest's pipeline as rpcContextCreator had it before direct handlers: the reference to match. */
const nestPipeline = (base: ExternalContextCreator): ExternalContextCreator => rpcContextCreator(base, { direct: false });

function handlerOf(creator: ExternalContextCreator, instance: object, method: string, contextId?: unknown): Handler {
  const callback = (instance as Record<string, (...args: unknown[]) => unknown>)[method];
  const options = { guards: true, interceptors: true, filters: true };
  return creator.create(instance as never, callback, method, ROUTE_ARGS_METADATA, new RpcParamsFactory(), contextId as never, undefined, options, 'rpc') as Handler;
}

/** A handler's outcome in comparable form: its value (streams collected) or its error. */
async function outcome(handler: Handler, args: unknown[]): Promise<unknown> {
  try {
    const value = await handler(...args);
    return isObservable(value) ? { stream: await lastValueFrom(value.pipe(toArray())) } : { value };
  } catch (error) {
    return { error: error instanceof RpcException ? ['RpcException', error.getError()] : [(error as Error).name, (error as Error).message] };
  }
}

describe('direct handlers (rpcContextCreator)', () => {
  let base: ExternalContextCreator;
  let plain: Plain;
  let classGuarded: ClassGuarded;
  let close: () => Promise<void>;
  const quiet = { error: jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined), static: jest.spyOn(Logger, 'error').mockImplementation(() => undefined) };

  beforeAll(async () => {
    const app = await NestFactory.createApplicationContext(PlainModule, { logger: false });
    base = app.get(ExternalContextCreator);
    plain = app.get(Plain);
    classGuarded = app.get(ClassGuarded);
    close = () => app.close();
  });

  afterAll(async () => {
    quiet.error.mockRestore();
    quiet.static.mockRestore();
    await close();
  });

  const directMethods = ['payload', 'keyed', 'undecorated', 'positional', 'later', 'stream', 'throwsDomain', 'rejectsDomain', 'rejectsBug', 'filtered'] as const;
  const pipelineMethods = ['guarded', 'intercepted', 'piped', 'paramPiped', 'argPiped'] as const;

  it.each(directMethods)('%s: no guard, interceptor or pipe applies, so the method is called directly', (method) => {
    expect(isDirectHandler(handlerOf(rpcContextCreator(base), plain, method))).toBe(true);
  });

  it.each(pipelineMethods)('%s: an enhancer applies, so Nest\'s pipeline runs', (method) => {
    expect(isDirectHandler(handlerOf(rpcContextCreator(base), plain, method))).toBe(false);
  });

  it('a class-level guard keeps Nest\'s pipeline for every method', async () => {
    const handler = handlerOf(rpcContextCreator(base), classGuarded, 'open');
    expect(isDirectHandler(handler)).toBe(false);
    await expect(handler({ a: 1 }, 'ctx')).rejects.toThrow('Forbidden resource');
  });

  it('a request-scoped context keeps Nest\'s pipeline', () => {
    expect(isDirectHandler(handlerOf(rpcContextCreator(base), plain, 'payload', { id: 7 }))).toBe(false);
  });

  it.each([...directMethods, ...pipelineMethods])('%s: answers exactly as Nest\'s pipeline does', async (method) => {
    const args = [['first', 'second'], 'the-context'];
    const keyedArgs = [{ name: 'bob' }, 'the-context'];
    const given = method === 'keyed' ? keyedArgs : method === 'piped' || method === 'paramPiped' || method === 'argPiped' ? [['shout'], 'ctx'] : args;
    const reference = await outcome(handlerOf(nestPipeline(base), plain, method), given);
    await expect(outcome(handlerOf(rpcContextCreator(base), plain, method), given)).resolves.toEqual(reference);
  });

  it('resolves a parameter whose value is a promise before the call, as Nest does', async () => {
    await expect(handlerOf(rpcContextCreator(base), plain, 'later')('data', 'ctx')).resolves.toBe('x:data');
  });

  it('turns a synchronous throw into a rejection, through the exception filters', async () => {
    const handler = handlerOf(rpcContextCreator(base), plain, 'throwsDomain');
    const answer = handler();
    expect(answer).toBeInstanceOf(Promise);
    await expect(answer).rejects.toBeInstanceOf(RpcException);
    const filtered: unknown = await handlerOf(rpcContextCreator(base), plain, 'filtered')();
    await expect(lastValueFrom(filtered as Observable<unknown>)).resolves.toEqual({ filtered: 'caught' });
  });

  it('still logs an unexpected error through Nest\'s default filter, and a domain error not', async () => {
    quiet.error.mockClear();
    quiet.static.mockClear();
    await expect(handlerOf(rpcContextCreator(base), plain, 'rejectsDomain')()).rejects.toBeInstanceOf(RpcException);
    expect(quiet.error.mock.calls.length + quiet.static.mock.calls.length).toBe(0);
    await expect(handlerOf(rpcContextCreator(base), plain, 'rejectsBug')()).rejects.toThrow(TypeError);
    expect(quiet.error.mock.calls.length + quiet.static.mock.calls.length).toBeGreaterThan(0);
  });

  it('calls the method when the handler is called, not microtasks later', () => {
    ran.length = 0;
    void handlerOf(rpcContextCreator(base), plain, 'payload')('data', 'ctx');
    expect(ran).toEqual(['payload']);
  });

  it.each([
    ['a global guard (APP_GUARD)', { provide: APP_GUARD, useClass: Deny }],
    ['a global interceptor (APP_INTERCEPTOR)', { provide: APP_INTERCEPTOR, useClass: Wrap }],
    ['a global pipe (APP_PIPE)', { provide: APP_PIPE, useClass: Upper }],
  ])('%s keeps Nest\'s pipeline for every handler', async (_name, enhancer) => {
    @Module({ providers: [Globally, enhancer] })
    class GlobalModule {}
    const app = await NestFactory.createApplicationContext(GlobalModule, { logger: false });
    try {
      await app.init();
      const handler = handlerOf(rpcContextCreator(app.get(ExternalContextCreator)), app.get(Globally), 'open');
      expect(isDirectHandler(handler)).toBe(false);
    } finally {
      await app.close();
    }
  });
});
