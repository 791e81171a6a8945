import { StaticRegistry } from '@nestrpc/discovery';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BulkheadRejectedError, CircuitOpenError, createContractProxy, RpcClientModule, RpcClusterClient, RpcClusterClientOptions, RpcClusterManager, withOptions } from '@nestrpc/client';
import { RpcServerModuleOptions } from '@nestrpc/server';
import { installRpcInstrumentation, RpcTimeoutError, ServerOverloadedError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { setTimeout as sleep } from 'timers/promises';
import { GreeterProvider, GreeterService, startGreeter } from './fixtures/greeter';

/** Bulkhead, circuit breaker, fallback functions and server overload through the cluster client, over real sockets. */
describe('cluster client resilience', () => {
  const providers: GreeterProvider[] = [];
  const clients: RpcClusterClient[] = [];
  let registry: StaticRegistry;
  let attempts = 0;
  let uninstall: () => void;

  async function provider(name: string, transport: RpcServerModuleOptions['transport'] = {}): Promise<GreeterProvider> {
    const p = await startGreeter(name, '1.0.0', 0, transport);
    providers.push(p);
    await registry.register({ id: name, service: 'GreeterService', version: '1.0.0', host: '127.0.0.1', port: p.port, weight: 1 });
    return p;
  }

  function cluster(options: Partial<RpcClusterClientOptions> = {}): RpcClusterClient {
    const client = new RpcClusterClient({ service: 'GreeterService', registry: { use: registry }, ...options });
    clients.push(client);
    return client;
  }

  const call = <T>(client: RpcClusterClient, method: string, ...args: unknown[]) => firstValueFrom(client.invoke<T>(`GreeterService.${method}`, args, method));
  const callWith = <T>(client: RpcClusterClient, method: string, overrides: { timeoutMs?: number }, ...args: unknown[]) =>
    firstValueFrom(client.invoke<T>(`GreeterService.${method}`, args, method, overrides));

  beforeEach(() => {
    registry = new StaticRegistry();
    attempts = 0;
    // Every attempt the transport client sends is counted here: "no network I/O" means this stays put.
    uninstall = installRpcInstrumentation({
      clientCall: () => {
        attempts++;
        return undefined;
      },
    });
  });

  afterEach(async () => {
    uninstall();
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(providers.splice(0).map((p) => p.close()));
    await registry.close();
  });

  it('circuit breaker: opens after 3 timed-out calls, refuses without network I/O, half-opens after halfOpenAfterMs and closes on a good probe', async () => {
    await provider('only');
    const halfOpenAfterMs = 300;
    const client = cluster({ circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs }, retries: 0 });
    await expect(call(client, 'whoami')).resolves.toBe('only');
    for (let i = 0; i < 3; i++) await expect(callWith(client, 'slow', { timeoutMs: 30 }, 400)).rejects.toBeInstanceOf(RpcTimeoutError);
    const openedAt = performance.now();
    expect(client.circuitState()).toBe('open');
    const before = attempts;
    const refused = await call(client, 'whoami').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused).toMatchObject({ code: 'CIRCUIT_OPEN', retryable: true, service: 'GreeterService' });
    expect(attempts).toBe(before);
    // Poll: refused (no attempt) until halfOpenAfterMs, then the probe goes out and closes the circuit.
    let answer: unknown;
    let refusals = 0;
    while (answer === undefined) {
      answer = await call(client, 'whoami').catch((e: unknown) => {
        expect(e).toBeInstanceOf(CircuitOpenError);
        refusals++;
        return undefined;
      });
      if (answer === undefined) await sleep(10);
    }
    const closedAfter = performance.now() - openedAt;
    expect(answer).toBe('only');
    expect(attempts).toBe(before + 1); // only the probe reached the network
    expect(refusals).toBeGreaterThan(0);
    expect(closedAfter).toBeGreaterThanOrEqual(halfOpenAfterMs - 1);
    expect(closedAfter).toBeLessThan(halfOpenAfterMs + 500);
    // The breaker records the probe's success as the call settles (microtasks after firstValueFrom had its value).
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.circuitState()).toBe('closed');
    await expect(call(client, 'hello', 'bob')).resolves.toContain('hello bob');
  });

  it('circuit breaker stays closed while failover saves every call from a dead instance (that one is ejected instead)', async () => {
    await provider('alive');
    const dead = await provider('dead');
    await dead.close();
    const client = cluster({ balancer: 'round-robin', circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 } });
    const served = await Promise.all(Array.from({ length: 20 }, () => call<string>(client, 'whoami')));
    expect(new Set(served)).toEqual(new Set(['alive']));
    expect(client.circuitState()).toBe('closed');
    expect(client.isEjected('dead')).toBe(true);
  });

  it('fallback function: receives the error and the arguments, per method and per call (withOptions)', async () => {
    await provider('only');
    const seen: { error: unknown; args: unknown }[] = [];
    const client = cluster({
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 },
      retries: 0,
      methods: {
        hello: {
          fallback: (error: unknown, args: unknown) => {
            seen.push({ error, args });
            return `cached hello ${(args as string[])[0]}`;
          },
        },
      },
    });
    await expect(callWith(client, 'slow', { timeoutMs: 30 }, 400)).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(client.circuitState()).toBe('open');
    await expect(call(client, 'hello', 'bob')).resolves.toBe('cached hello bob');
    expect(seen).toHaveLength(1);
    expect(seen[0].error).toBeInstanceOf(CircuitOpenError);
    expect(seen[0].args).toEqual(['bob']);
    // Per call, through the typed proxy: beats the method's and may be async.
    const proxy = createContractProxy(GreeterService, client);
    const fast = withOptions(proxy, { fallback: async (error: unknown, args: unknown) => `later ${(args as string[])[0]} (${(error as CircuitOpenError).code})` });
    await expect(fast.hello('ann')).resolves.toBe('later ann (CIRCUIT_OPEN)');
    expect(seen).toHaveLength(1);
    // A fallback that rethrows fails the call with its own error.
    const strict = withOptions(proxy, { fallback: (error: unknown) => { throw error; } });
    await expect(strict.whoami()).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('bulkhead: 5 concurrent calls with maxConcurrent 2 and maxQueued 1 → exactly 3 sent, 2 refused without I/O', async () => {
    await provider('only');
    const client = cluster({ bulkhead: { maxConcurrent: 2, maxQueued: 1 } });
    await call(client, 'whoami');
    const before = attempts;
    const results = await Promise.all(Array.from({ length: 5 }, () => call(client, 'slow', 100).then(() => 'ok', (e: unknown) => e)));

    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    const refused = results.filter((r) => r instanceof BulkheadRejectedError);
    expect(refused).toHaveLength(2);
    expect(attempts - before).toBe(3);
  });

  it('server overload: concurrency refusals fail over to another instance; rate limits fail over and never eject the instance', async () => {
    await provider('limited', { limits: { methods: { 'GreeterService.slow': { maxConcurrent: 1 }, 'GreeterService.whoami': { rate: { perSecond: 0.001, burst: 1 } } } } });
    await provider('free');
    const client = cluster({ balancer: 'round-robin', retries: 2, outlier: { consecutiveFailures: 3 } });
    // 6 slow calls at once: 'limited' runs one and refuses the other ones it is offered; failover sends those to 'free'.
    const slow = await Promise.all(Array.from({ length: 6 }, () => call<string>(client, 'slow', 100)));
    expect(slow.filter((s) => s === 'limited').length).toBe(1);
    expect(slow.filter((s) => s === 'free').length).toBe(5);
    // Rate-limited 'whoami': one admitted on 'limited', every later one there refused and retried on 'free'.
    const served: string[] = [];
    for (let i = 0; i < 20; i++) served.push(await call<string>(client, 'whoami'));
    expect(served.filter((s) => s === 'limited').length).toBeLessThanOrEqual(1);
    expect(served.filter((s) => s === 'free').length).toBeGreaterThanOrEqual(19);
    // 9+ rate-limit refusals in a row, threshold 3: still not ejected (health failures only).
    expect(client.isEjected('limited')).toBe(false);
    // Without another instance the caller sees the typed, retryable error.
    const alone = cluster({ retries: 0, registry: { use: registry } });
    await providers[1].close();
    await registry.deregister('free');
    const error = await call(alone, 'whoami').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerOverloadedError);
    expect(error).toMatchObject({ reason: 'rate_limit', retryable: true });
  });

  it('takes bulkhead, circuitBreaker and method fallbacks through RpcClientModule.forFeature (defaults merged)', async () => {
    await provider('only');
    @Module({
      imports: [
        RpcClientModule.forRoot({ registry: { use: registry }, defaults: { circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 } } }),
        RpcClientModule.forFeature([
          { contract: GreeterService, retries: 0, bulkhead: { maxConcurrent: 1 }, methods: { hello: { fallback: (error: unknown, args: unknown) => `fallback ${(args as string[])[0]}: ${(error as { code?: string }).code}` } } },
        ]),
      ],
    })
    class ConsumerModule {}
    const app = await NestFactory.createApplicationContext(ConsumerModule, { logger: false });
    try {
      const greeter = app.get(GreeterService);
      const cluster = app.get(RpcClusterManager).clients()[0];
      // Bulkhead of 1: a second call while one runs is refused; the hello fallback answers for it.
      const running = greeter.slow(200).then((v) => v); // RpcCall is lazy: then() sends it
      await expect(greeter.hello('bob')).resolves.toBe('fallback bob: BULKHEAD_REJECTED');
      await expect(greeter.whoami()).rejects.toBeInstanceOf(BulkheadRejectedError);
      await running;
      await expect(withOptions(greeter, { timeoutMs: 30 }).slow(400)).rejects.toBeInstanceOf(RpcTimeoutError);
      expect(cluster.circuitState()).toBe('open');
      await expect(greeter.hello('ann')).resolves.toBe('fallback ann: CIRCUIT_OPEN');
    } finally {
      await app.close();
    }
  });
});
