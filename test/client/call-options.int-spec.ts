import { Injectable, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StaticRegistry } from '@nestrpc/discovery';
import { ConflictingFeatureError, InjectRpc, RpcClientModule, RpcClusterClient, withOptions } from '@nestrpc/client';
import { RpcRecord, RpcTimeoutError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { GreeterProvider, GreeterService, startGreeter } from './fixtures/greeter';

@Injectable()
class Both {
  constructor(
    readonly v1: GreeterService,
    @InjectRpc(GreeterService, '2.x') readonly v2: GreeterService,
  ) {}
}

describe('per-call options: withOptions on typed proxies, one resolved set down to every attempt', () => {
  const providers: GreeterProvider[] = [];
  const clients: RpcClusterClient[] = [];
  let registry: StaticRegistry;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    providers.push(await startGreeter('a', '1.0.0'), await startGreeter('b', '1.0.0'), await startGreeter('c', '1.0.0'), await startGreeter('v2', '2.0.0'));
    registry = new StaticRegistry({ services: providers.map((p) => ({ id: p.name, service: 'GreeterService', version: p.version, host: '127.0.0.1', port: p.port })) });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await registry.close();
  });

  async function consumer(features: Parameters<typeof RpcClientModule.forFeature>[0]): Promise<Both> {
    @Module({ imports: [RpcClientModule.forRoot({ registry: { use: registry } }), RpcClientModule.forFeature(features)], providers: [Both] })
    class ConsumerModule {}
    app = await NestFactory.createApplicationContext(ConsumerModule, { logger: false });
    await app.init();
    return app.get(Both);
  }

  it('sets headers and a timeout per call without changing the contract signature; @Ctx() keeps the argument', async () => {
    const { v1 } = await consumer([{ contract: GreeterService, version: '^1' }]);
    const seen = await withOptions(v1, { headers: { tenant: 'acme' }, timeoutMs: 1_000 }).context('bob');
    expect(seen.name).toBe('bob');
    expect(seen.tenant).toBe('acme');
    expect(seen.leftMs).toBeLessThanOrEqual(1_000);
    const started = Date.now();
    await expect(withOptions(v1, { timeoutMs: 100 }).slow(1_000)).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(Date.now() - started).toBeLessThan(600);
    await expect(v1.whoami()).resolves.toMatch(/^[abc]$/); // the original proxy is unchanged
    expect(() => withOptions({}, {})).toThrow(TypeError);
  });

  it('consistent hashing routes by the chosen key, never by headers', async () => {
    const { v1 } = await consumer([{ contract: GreeterService, version: '^1', balancer: 'consistent-hash' }]);
    const byKey = async (key: string, tenant: string) => withOptions(v1, { hashKey: key, headers: { tenant } }).whoami();
    const first = await byKey('user-7', 't0');
    for (let i = 1; i < 20; i++) await expect(byKey('user-7', `t${i}`)).resolves.toBe(first);
    const owners = new Set(await Promise.all(Array.from({ length: 40 }, (_, i) => byKey(`user-${i}`, 'x'))));
    expect(owners.size).toBeGreaterThan(1);
    // send() with an RpcRecord: the headers are options, the payload is the key.
    const cluster = new RpcClusterClient({ service: 'GreeterService', version: '^1', registry: { use: registry }, balancer: 'consistent-hash' });
    clients.push(cluster);
    const via = (tenant: string) => firstValueFrom(cluster.send<{ instance: string }>('GreeterService.context', new RpcRecord(['user-7'], { headers: { tenant } })));
    const routes = new Set((await Promise.all(['a', 'b', 'c', 'd', 'e'].map(via))).map((r) => r.instance));
    expect(routes.size).toBe(1);
  });

  it('honours transport.timeoutMs under failover (the default strategy)', async () => {
    const cluster = new RpcClusterClient({ service: 'GreeterService', version: '^1', registry: { use: registry }, transport: { timeoutMs: 150 } });
    clients.push(cluster);
    const started = Date.now();
    await expect(firstValueFrom(cluster.invoke('GreeterService.slow', [1_000], 'slow'))).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(Date.now() - started).toBeLessThan(700);
  });

  it('keeps each forFeature range its own options (the 2.x entry is not the ^1 entry)', async () => {
    const { v1, v2 } = await consumer([
      { contract: GreeterService, version: '^1', timeoutMs: 2_000 },
      { contract: GreeterService, version: '2.x', timeoutMs: 100 },
    ]);
    await expect(v1.slow(300)).resolves.toMatch(/^[abc]$/);
    await expect(v2.slow(300)).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(v2.whoami()).resolves.toBe('v2');
  });

  it('rejects the same contract and range declared twice with different options, at start-up', () => {
    expect(() =>
      RpcClientModule.forFeature([
        { contract: GreeterService, version: '^1', retries: 1 },
        { contract: GreeterService, version: '^1', retries: 3 },
      ]),
    ).toThrow(ConflictingFeatureError);
    expect(() => RpcClientModule.forFeature([{ contract: GreeterService, version: '^1' }, { contract: GreeterService, version: '^1' }])).not.toThrow();
  });
});
