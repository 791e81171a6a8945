import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcServerModule, RpcService } from '@nestrpc/server';
import { RpcClient, RpcServer, ServerOverloadedError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';

abstract class SearchService {
  abstract search(q: string): Promise<string>;
  abstract lookup(id: string): Promise<string>;
}

let searches = 0;
let lookups = 0;

@RpcService(SearchService, { limits: { search: { rate: { perSecond: 0.001, burst: 2 } }, lookup: { rate: { perSecond: 0.001, burst: 1 } } } })
class Search implements SearchService {
  async search(q: string): Promise<string> {
    searches++;
    return `found ${q}`;
  }
  async lookup(id: string): Promise<string> {
    lookups++;
    return id;
  }
}

/** Limits from @RpcService and from the module's options (configuration wins), end to end. */
describe('RpcServerModule overload limits', () => {
  let app: INestApplicationContext;
  let client: RpcClient;

  beforeAll(async () => {
    @Module({
      imports: [
        RpcServerModule.forRoot({
          listen: { host: '127.0.0.1', port: 0 },
          // Configuration beats the decorator for lookup (3 instead of 1) and adds a global limit.
          transport: { limits: { maxConcurrentCalls: 100, methods: { 'SearchService.lookup': { rate: { perSecond: 0.001, burst: 3 } } } } },
        }),
      ],
      providers: [Search],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    client = new RpcClient({ host: '127.0.0.1', port: app.get(RpcServer).address().port, reconnect: false });
  });

  afterAll(async () => {
    await client.close();
    await app.close();
  });

  const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (err instanceof ServerOverloadedError ? err.reason : String(err)));

  it('applies @RpcService limits per method and lets configuration override them', async () => {
    const s = await Promise.all(Array.from({ length: 4 }, () => outcome(firstValueFrom(client.send('SearchService.search', ['x'])))));
    expect(s).toEqual(['ok', 'ok', 'rate_limit', 'rate_limit']);
    expect(searches).toBe(2);
    const l = await Promise.all(Array.from({ length: 5 }, () => outcome(firstValueFrom(client.send('SearchService.lookup', ['x'])))));
    expect(l).toEqual(['ok', 'ok', 'ok', 'rate_limit', 'rate_limit']);
    expect(lookups).toBe(3);
  });

  it('refuses limits on a method the service does not have', async () => {
    @RpcService(SearchService, { version: '2.0.0', limits: { serch: { maxConcurrent: 1 } } })
    class Typo extends Search {}
    @Module({ imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 } })], providers: [Typo] })
    class TypoModule {}
    // Thrown by the bootstrap hook, before the server listens: nothing is left open.
    await expect(NestFactory.createApplicationContext(TypoModule, { logger: false, abortOnError: false })).rejects.toThrow(/serch/);
  });
});
