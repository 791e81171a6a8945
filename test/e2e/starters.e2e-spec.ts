import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HelloService } from '@nestrpc/contracts';
import { NoProvidersError } from '@nestrpc/discovery';
import { InjectRpc, RpcClientModule } from '@nestrpc/client';
import { spawnTs, TsChild } from '../support/child-process';
import { closedLoop } from '../support/closed-loop';
import { startEtcd, LocalEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';

/**
 * The starters end to end: provider processes (apps/provider) register in a real etcd, a
 * consumer (typed proxies through RpcClientModule) discovers and calls them, while providers
 * are killed, restarted gracefully, or start late.
 */
@Injectable()
class Hellos {
  constructor(
    readonly v1: HelloService,
    @InjectRpc(HelloService, '2.x') readonly v2: HelloService,
  ) {}
}

async function startConsumer(endpoints: string[], namespace: string): Promise<INestApplicationContext> {
  @Module({
    imports: [
      RpcClientModule.forRoot({ registry: { etcd: { hosts: endpoints } }, namespace, defaults: { timeoutMs: 5_000 } }),
      RpcClientModule.forFeature([
        // greet is declared idempotent (retried after ambiguous failures); sayHello is not.
        { contract: HelloService, version: '^1', balancer: 'weighted-round-robin', methods: { greet: { idempotent: true } } },
      ]),
    ],
    providers: [Hellos],
  })
  class ConsumerModule {}
  const app = await NestFactory.createApplicationContext(ConsumerModule, { logger: ['error'] });
  await app.init();
  return app;
}

/** Per test: provider start-ups (ts-node) take 13-30 s each on a loaded 2-core machine. */
const PROCESS_TEST_TIMEOUT_MS = 90_000;

describe('server + client starters across processes with etcd', () => {
  let etcd: LocalEtcd;
  const children: TsChild[] = [];
  const apps: INestApplicationContext[] = [];

  function provider(name: string, namespace: string, env: Record<string, string> = {}): TsChild {
    const child = spawnTs('apps/provider/src/main.ts', {
      ETCD_ENDPOINTS: etcd.endpoints.join(','),
      NESTRPC_NAMESPACE: namespace,
      INSTANCE_NAME: name,
      HELLO_VERSIONS: '1',
      SERVICE_WEIGHT: '1',
      DEREGISTER_GRACE_MS: '500',
      ...env,
    });
    children.push(child);
    return child;
  }

  async function ready(child: TsChild): Promise<void> {
    await child.waitForLine(/READY name=/, 60_000); // three providers compiling at once on a loaded 2-core machine: > 30 s at load 20
  }

  beforeAll(async () => {
    etcd = await startEtcd();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    await Promise.all(children.splice(0).map((c) => c.stop('SIGKILL')));
  });

  afterAll(async () => {
    await etcd?.stop();
  });

  it('balances v1 by weight (1:3) and reaches v2 only through @InjectRpc', async () => {
    const ns = 'e2e-weights';
    const started = [provider('v1-light', ns, { SERVICE_WEIGHT: '1' }), provider('v1-heavy', ns, { SERVICE_WEIGHT: '3' }), provider('v2', ns, { HELLO_VERSIONS: '2' })];
    await Promise.all(started.map(ready));
    const consumer = await startConsumer(etcd.endpoints, ns);
    apps.push(consumer);
    const { v1, v2 } = consumer.get(Hellos);
    await waitFor(async () => (await v1.greet('x').catch(() => undefined)) !== undefined, 'v1 to be discovered', 10_000);
    await waitFor(async () => new Set(await Promise.all(Array.from({ length: 8 }, () => v1.greet('x').then((g) => g.instance)))).size === 2, 'both v1 instances', 10_000);

    const served = await Promise.all(Array.from({ length: 400 }, () => v1.greet('w')));
    const heavy = served.filter((g) => g.instance === 'v1-heavy').length / served.length;
    expect(heavy).toBeGreaterThan(0.7);
    expect(heavy).toBeLessThan(0.8);
    expect(served.every((g) => g.version === '1.0.0')).toBe(true);

    const fromV2 = await Promise.all(Array.from({ length: 20 }, () => v2.greet('w')));
    expect(new Set(fromV2.map((g) => `${g.instance}@${g.version}`))).toEqual(new Set(['v2@2.0.0']));
  }, PROCESS_TEST_TIMEOUT_MS);

  it('fails calls with NoProvidersError while no provider exists, then serves once one registers', async () => {
    const ns = 'e2e-late';
    const consumer = await startConsumer(etcd.endpoints, ns);
    apps.push(consumer);
    const { v1 } = consumer.get(Hellos);
    const error = await v1.sayHello('early').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoProvidersError);
    expect((error as Error).message).toContain('HelloService@^1');
    await ready(provider('late', ns));
    await waitFor(async () => (await v1.sayHello('late').catch(() => undefined)) === 'Hello, late!', 'the late provider to serve', 10_000);
  }, PROCESS_TEST_TIMEOUT_MS);

  it('loses no idempotent call when a provider is killed with SIGKILL under load, and stops sending to it', async () => {
    const ns = 'e2e-kill';
    const doomed = provider('doomed', ns);
    await Promise.all([ready(provider('survivor', ns)), ready(doomed)]);
    const consumer = await startConsumer(etcd.endpoints, ns);
    apps.push(consumer);
    const { v1 } = consumer.get(Hellos);
    await waitFor(async () => new Set(await Promise.all(Array.from({ length: 8 }, () => v1.greet('x').then((g) => g.instance)))).size === 2, 'both instances', 10_000);

    const load = closedLoop(() => v1.greet('load'));
    try {
      await new Promise((r) => setTimeout(r, 700));
      doomed.process.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(load.completions.length).toBeGreaterThan(100);
    expect(load.completions.filter((c) => c.who === 'doomed').length).toBeGreaterThan(0);
    expect(load.completions.slice(-200).filter((c) => c.who === 'doomed')).toEqual([]);
  }, PROCESS_TEST_TIMEOUT_MS);

  it('loses no call (not even non-idempotent ones) during a graceful rolling restart under load', async () => {
    const ns = 'e2e-rolling';
    const first = [provider('a1', ns), provider('b1', ns)];
    await Promise.all(first.map(ready));
    const consumer = await startConsumer(etcd.endpoints, ns);
    apps.push(consumer);
    const { v1 } = consumer.get(Hellos);
    await waitFor(async () => (await v1.sayHello('x').catch(() => undefined)) !== undefined, 'discovery', 10_000);

    // The shared closed loop: it yields on failures and is stopped on every way out (a loop left
    // running after a failed step spun on instant failures and took the whole run out of memory).
    const load = closedLoop(() => v1.sayHello('rolling').then((answer) => ({ instance: answer })));
    try {
      for (const [old, replacement] of [[first[0], 'a2'], [first[1], 'b2']] as const) {
        const next = provider(replacement, ns);
        await ready(next);
        await old.stop('SIGTERM', 15_000); // deregister → grace → drain → exit
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(load.completions.length).toBeGreaterThan(100);
  }, 2 * PROCESS_TEST_TIMEOUT_MS); // two more provider starts and two graceful stops (≤ 15 s each)
});
