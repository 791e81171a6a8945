import { Injectable, Logger, Module } from '@nestjs/common';
import { ExternalContextCreator, NestFactory } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { isObservable, lastValueFrom, Observable, of, toArray } from 'rxjs';
import { isDirectHandler } from './direct-handlers';
import { rpcContextCreator } from './rpc-context-creator';

/**
 * The Nest members rpcContextCreator relies on that Nest does not document. Runs against
 * Nest 11 (npm test) and Nest 12 (jest.nest12.config.js): when a Nest release renames or stops
 * calling one of them, this fails naming it, before the streaming and domain-error suites fail
 * in less obvious ways.
 */
@Injectable()
class Handlers {
  stream(): Observable<number> {
    return of(1, 2, 3);
  }
  refuse(): never {
    throw new RpcException({ code: 'OUT_OF_STOCK' });
  }
}

@Module({ providers: [Handlers] })
class InternalsModule {}

describe('Nest internals behind rpcContextCreator', () => {
  let base: ExternalContextCreator;
  let handlers: Handlers;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = await NestFactory.createApplicationContext(InternalsModule, { logger: false });
    base = app.get(ExternalContextCreator);
    handlers = app.get(Handlers);
    close = () => app.close();
  });

  afterAll(() => close());

  const handlerOf = (creator: ExternalContextCreator, method: 'stream' | 'refuse') =>
    creator.create(handlers as never, handlers[method] as (...args: unknown[]) => unknown, method, undefined, undefined, undefined, undefined, { guards: true, interceptors: true, filters: true }, 'rpc');

  it('ExternalContextCreator.create() still ends with transformToResult, which collapses an Observable', async () => {
    expect(typeof ExternalContextCreator.prototype.transformToResult).toBe('function');
    // Without the override Nest answers the last value only: the reason for overriding it.
    await expect(handlerOf(base, 'stream')()).resolves.toBe(3);
    const streamed: unknown = await handlerOf(rpcContextCreator(base), 'stream')();
    expect(isObservable(streamed)).toBe(true);
    await expect(lastValueFrom((streamed as Observable<number>).pipe(toArray()))).resolves.toEqual([1, 2, 3]);
  });

  it('ExternalContextCreator still holds its exception filters in the private filtersContextCreator', async () => {
    const filters = (base as unknown as { filtersContextCreator?: { create?: unknown } }).filtersContextCreator;
    expect(typeof filters?.create).toBe('function');
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const staticLogged = jest.spyOn(Logger, 'error').mockImplementation(() => undefined);
    try {
      const error = await handlerOf(rpcContextCreator(base), 'refuse')().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcException);
      // A domain error is the handler's answer: not logged as an ERROR stack.
      expect(logged).not.toHaveBeenCalled();
      expect(staticLogged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      staticLogged.mockRestore();
    }
  });

  it('create() still calls getMetadata, createGuardsFn, createPipesFn, interceptorsContextCreator.create and externalErrorProxy.createProxy on itself', () => {
    const internals = base as unknown as Record<string, unknown> & { interceptorsContextCreator?: { create?: unknown }; externalErrorProxy?: { createProxy?: unknown } };
    for (const member of ['getMetadata', 'createGuardsFn', 'createPipesFn']) expect([member, typeof internals[member]]).toEqual([member, 'function']);
    expect(typeof internals.interceptorsContextCreator?.create).toBe('function');
    expect(typeof internals.externalErrorProxy?.createProxy).toBe('function');
    // directHandlers sees all five while create() runs; missing any, a plain handler would keep Nest's pipeline.
    expect(isDirectHandler(handlerOf(rpcContextCreator(base), 'stream'))).toBe(true);
    expect(isDirectHandler(handlerOf(base, 'stream'))).toBe(false);
  });

  it('leaves the shared ExternalContextCreator untouched', async () => {
    rpcContextCreator(base);
    await expect(handlerOf(base, 'stream')()).resolves.toBe(3);
  });
});
