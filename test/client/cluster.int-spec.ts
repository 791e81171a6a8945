import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule } from '@nestjs/microservices';
import { NoProvidersError, ServiceInstanceInit, StaticRegistry } from '@nestrpc/discovery';
import { RpcClusterClient, RpcClusterClientOptions } from '@nestrpc/client';
import { ConnectionRefusedError, RpcTimeoutError } from '@nestrpc/transport';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { waitFor } from '../support/wait-for';
import { GreeterProvider, recorded, startGreeter } from './fixtures/greeter';

function asInstance(p: GreeterProvider, weight = 1): ServiceInstanceInit {
  return { id: p.name, service: 'GreeterService', version: p.version, host: '127.0.0.1', port: p.port, weight };
}

describe('RpcClusterClient over real providers (static registry)', () => {
  const providers: GreeterProvider[] = [];
  const clients: RpcClusterClient[] = [];
  let registry: StaticRegistry;

  async function provider(name: string, version = '1.0.0', weight = 1): Promise<GreeterProvider> {
    const p = await startGreeter(name, version);
    providers.push(p);
    await registry.register(asInstance(p, weight));
    return p;
  }

  function cluster(options: Partial<RpcClusterClientOptions> = {}): RpcClusterClient {
    const client = new RpcClusterClient({ service: 'GreeterService', version: '^1', registry: { use: registry }, ejection: { baseMs: 200, maxMs: 400 }, ...options });
    clients.push(client);
    return client;
  }

  const call = <T>(client: RpcClusterClient, method: string, ...args: unknown[]) => firstValueFrom(client.invoke<T>(`GreeterService.${method}`, args, method));

  beforeEach(() => {
    registry = new StaticRegistry();
    recorded.clear();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await registry.close();
  });

  it('fails with NoProvidersError at call time, then succeeds once a provider registers', async () => {
    const client = cluster();
    await client.connect();
    const error = await call(client, 'whoami').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoProvidersError);
    expect((error as Error).message).toContain('GreeterService@^1');
    await provider('late');
    await expect(call(client, 'whoami')).resolves.toBe('late');
  });

  it('spreads calls by weight (1:3) with weighted-round-robin', async () => {
    await provider('light', '1.0.0', 1);
    await provider('heavy', '1.0.0', 3);
    const client = cluster({ balancer: 'weighted-round-robin' });
    const served = await Promise.all(Array.from({ length: 400 }, () => call<string>(client, 'whoami')));
    const heavy = served.filter((s) => s === 'heavy').length;
    expect(heavy).toBe(300);
  });

  it('selects only instances in the version range', async () => {
    await provider('v1', '1.4.0');
    await provider('v2', '2.0.0');
    const v1 = cluster({ version: '^1' });
    const v2 = cluster({ version: '2.x' });
    const fromV1 = await Promise.all(Array.from({ length: 20 }, () => call<string>(v1, 'whoami')));
    expect(new Set(fromV1)).toEqual(new Set(['v1']));
    await expect(call(v2, 'hello', 'bob')).resolves.toBe('hello bob from v2@2.0.0');
  });

  it('fails over to another instance when one is down, and ejects it', async () => {
    const alive = await provider('alive');
    const dead = await provider('dead');
    await dead.close();
    const client = cluster({ balancer: 'round-robin' });
    const served = await Promise.all(Array.from({ length: 20 }, () => call<string>(client, 'whoami')));
    expect(new Set(served)).toEqual(new Set(['alive']));
    expect(client.isEjected('dead')).toBe(true);
    expect(alive.name).toBe('alive');
  });

  it('brings an ejected instance back when a probe connects', async () => {
    await provider('steady');
    const flappy = await provider('flappy');
    const port = flappy.port;
    await flappy.close();
    const client = cluster({ balancer: 'round-robin' });
    await Promise.all(Array.from({ length: 4 }, () => call(client, 'whoami')));
    expect(client.isEjected('flappy')).toBe(true);
    const back = await startGreeter('flappy', '1.0.0', port);
    providers.push(back);
    await waitFor(() => !client.isEjected('flappy'), 'the probe to bring flappy back', 5_000);
    const served = await Promise.all(Array.from({ length: 10 }, () => call<string>(client, 'whoami')));
    expect(served).toContain('flappy');
  });

  it('bounds all failover attempts by one deadline, each retry carrying only the time left', async () => {
    await provider('slow-a');
    await provider('slow-b');
    const client = cluster({ timeoutMs: 300, idempotent: true, retries: 2 });
    const started = Date.now();
    const error = await call(client, 'slow', 2_000).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(550); // not 2 × 300 ms: the retry only had what was left
  });

  it('failfast does not retry', async () => {
    await provider('gone').then((p) => p.close());
    const client = cluster({ cluster: 'failfast' });
    await expect(call(client, 'whoami')).rejects.toBeInstanceOf(ConnectionRefusedError);
  });

  it('failsafe answers the fallback instead of failing', async () => {
    await provider('gone').then((p) => p.close());
    const client = cluster({ cluster: 'failsafe', fallback: 'nobody' });
    await expect(call(client, 'whoami')).resolves.toBe('nobody');
  });

  it('failback answers the fallback and delivers the call in the background once possible', async () => {
    const gone = await provider('eventual');
    const port = gone.port;
    await gone.close();
    const client = cluster({ cluster: 'failback', ejection: { baseMs: 100, maxMs: 200 } });
    await expect(call(client, 'record', 'x')).resolves.toBeUndefined();
    providers.push(await startGreeter('eventual', '1.0.0', port));
    await waitFor(() => (recorded.get('eventual') ?? []).includes('x'), 'the background retry', 10_000);
  });

  it('forking answers with the fastest instance', async () => {
    await provider('a');
    await provider('b');
    const client = cluster({ cluster: 'forking', forks: 2 });
    await expect(call(client, 'whoami')).resolves.toMatch(/^[ab]$/);
  });

  it('broadcast calls every instance and answers every result', async () => {
    await provider('one');
    await provider('two');
    await provider('three');
    const client = cluster({ cluster: 'broadcast' });
    await expect(call(client, 'record', 'all')).resolves.toEqual([undefined, undefined, undefined]);
    expect([...recorded.keys()].sort()).toEqual(['one', 'three', 'two']);
  });

  it('streams Observable results through the cluster', async () => {
    await provider('streamer');
    const client = cluster();
    const values = await lastValueFrom(client.invoke<string>('GreeterService.ticks', [3], 'ticks').pipe(toArray()));
    expect(values).toEqual(['streamer:0', 'streamer:1', 'streamer:2']);
  });

  it('plugs into ClientsModule.register as a customClass', async () => {
    await provider('registered');
    @Module({ imports: [ClientsModule.register([{ name: 'GREETER', customClass: RpcClusterClient, options: { service: 'GreeterService', version: '^1', registry: { use: registry } } }])] })
    class GatewayModule {}
    const app = await NestFactory.createApplicationContext(GatewayModule, { logger: false });
    try {
      const client = app.get<ClientProxy>('GREETER');
      expect(client).toBeInstanceOf(RpcClusterClient);
      await expect(firstValueFrom(client.send('GreeterService.whoami', []))).resolves.toBe('registered');
    } finally {
      await app.close();
    }
  });

  it('works as a Nest ClientProxy: send() with the method pattern', async () => {
    await provider('proxy');
    const client = cluster();
    await expect(firstValueFrom(client.send('GreeterService.hello', ['ann']))).resolves.toBe('hello ann from proxy@1.0.0');
  });
});
