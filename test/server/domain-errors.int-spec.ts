import { ArgumentsHost, Catch, INestApplicationContext, Logger, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { RpcServerModule, RpcService } from '@nestrpc/server';
import { RpcClient, RpcRecord, RpcServer } from '@nestrpc/transport';
import { firstValueFrom, throwError } from 'rxjs';

abstract class StockService {
  abstract reserve(quantity: number): Promise<string>;
  abstract crash(): Promise<string>;
  abstract filtered(): Promise<string>;
}

class Filtered extends RpcException {}

@Catch(Filtered)
class FilteredToAnswer {
  catch(_exception: Filtered, _host: ArgumentsHost) {
    return throwError(() => ({ code: 'FROM_FILTER' }));
  }
}

@RpcService(StockService)
class Stock implements StockService {
  async reserve(quantity: number): Promise<string> {
    throw new RpcException({ code: 'OUT_OF_STOCK', requested: quantity });
  }
  async crash(): Promise<string> {
    throw new Error('a real bug');
  }
  @UseFilters(FilteredToAnswer)
  async filtered(): Promise<string> {
    throw new Filtered('handled by the filter');
  }
}

@Module({ imports: [RpcServerModule.forRoot({ listen: { port: 0 }, deregisterGraceMs: 0 })], providers: [Stock] })
class ProviderModule {}

/** A handler's RpcException is its answer (the demo's 409), not a crash to log with a stack. */
describe('@RpcService errors and the provider log', () => {
  let app: INestApplicationContext;
  let client: RpcClient;
  let errors: string[];
  let spy: jest.SpyInstance;

  const call = (method: string, args: unknown[] = []) => firstValueFrom(client.send(`StockService.${method}`, new RpcRecord(args)));

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(ProviderModule, { logger: ['error'] });
    client = new RpcClient({ host: '127.0.0.1', port: app.get(RpcServer).address().port });
  });

  beforeEach(() => {
    errors = [];
    spy = jest.spyOn(Logger.prototype, 'error').mockImplementation(function (this: Logger, message: unknown) {
      errors.push(message instanceof Error ? message.message : String(message));
    });
  });

  afterEach(() => spy.mockRestore());

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  it('answers a domain RpcException with its payload and logs no error', async () => {
    await expect(call('reserve', [99])).rejects.toMatchObject({ code: 'OUT_OF_STOCK', requested: 99 });
    expect(errors).toEqual([]);
  });

  it('still logs an unexpected error', async () => {
    await expect(call('crash')).rejects.toBeDefined();
    expect(errors).toContainEqual(expect.stringContaining('a real bug'));
  });

  it('still lets the app\'s exception filters handle an RpcException first', async () => {
    await expect(call('filtered')).rejects.toMatchObject({ code: 'FROM_FILTER' });
    expect(errors).toEqual([]);
  });
});
