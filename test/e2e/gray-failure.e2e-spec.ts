import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcClientModule, RpcClusterManager, withOptions } from '@nestrpc/client';
import { BalancerLike, EtcdRegistry } from '@nestrpc/discovery';
import { RpcTimeoutError } from '@nestrpc/transport';
import { createServer, Server, Socket } from 'net';
import { setTimeout as sleep } from 'timers/promises';
import { spawnTs, TsChild } from '../support/child-process';
import { LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';
import { closedLoop, median, shareOf } from '../support/closed-loop';
import { WorkService } from './fixtures/work.contract';

/**
 * Gray failure across processes with a real etcd: three WorkService providers (also the hops
 * A → B → C of a call chain); one of them is frozen (SIGSTOP), made slow (SIGUSR2) or made to
 * fail (SIGHUP), or a black-hole address is registered next to them. The consumers run the
 * defaults (load-aware balancer, outlier ejection, cluster heartbeats) unless a test says so.
 */
const NS = 'e2e-gray';

/** A handler's RpcException reaches the caller as its payload (Nest's convention). */
const isDomain = (error: unknown) => (error as { code?: unknown } | undefined)?.code === 'DOMAIN' && !(error instanceof Error);

async function consumer(endpoints: string[], feature: { name?: string; balancer?: BalancerLike; timeoutMs?: number } = {}): Promise<{ app: INestApplicationContext; work: WorkService; manager: RpcClusterManager }> {
  @Module({
    imports: [
      RpcClientModule.forRoot({ registry: { etcd: { hosts: endpoints } }, namespace: NS, defaults: { timeoutMs: feature.timeoutMs ?? 5_000 } }),
      RpcClientModule.forFeature([{ contract: WorkService, name: feature.name, balancer: feature.balancer, methods: { work: { idempotent: true } } }]),
    ],
  })
  class ConsumerModule {}
  const app = await NestFactory.createApplicationContext(ConsumerModule, { logger: ['error'] });
  await app.init();
  return { app, work: app.get(WorkService), manager: app.get(RpcClusterManager) };
}

describe('gray failure: frozen, slow, failing and black-hole instances (3 providers, etcd)', () => {
  let etcd: LocalEtcd;
  const providers: TsChild[] = [];
  const apps: INestApplicationContext[] = [];
  const names = ['p1', 'p2', 'p3'];

  async function use(feature?: Parameters<typeof consumer>[1]) {
    const c = await consumer(etcd.endpoints, feature);
    apps.push(c.app);
    return c;
  }

  /** Until every provider answered through `work`. */
  async function warm(work: WorkService): Promise<void> {
    let seen = new Set<string | undefined>();
    await waitFor(async () => {
      seen = new Set((await Promise.all(Array.from({ length: 12 }, () => work.work('warm').catch((e: Error) => ({ instance: e.message }))))).map((s) => s.instance));
      return names.every((n) => seen.has(n));
    }, 'all three providers to serve', 15_000).catch((err: Error) => {
      throw new Error(`${err.message}; last answers: ${[...seen].join(" | ")}; p2: ${providers[1].output().slice(-1500)}`);
    });
  }

  beforeAll(async () => {
    etcd = await startEtcd();
    const hops: Record<string, string>[] = [
      { HOP_NAME: 'HopA', HOP_NEXT: 'HopB' },
      { HOP_NAME: 'HopB', HOP_NEXT: 'HopC' },
      { HOP_NAME: 'HopC' },
    ];
    names.forEach((name, i) =>
      providers.push(spawnTs('test/e2e/fixtures/work-provider.ts', { ETCD_ENDPOINTS: etcd.endpoints.join(','), NESTRPC_NAMESPACE: NS, INSTANCE_NAME: name, SLOW_MS: '500', ...hops[i] })),
    );
    await Promise.all(providers.map((p) => p.waitForLine(/READY name=/, 40_000)));
  }, 60_000);

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.stop('SIGKILL')));
    await etcd?.stop();
  });

  it('A → B → C inherits the first caller\'s deadline and trace context, and never outlives it', async () => {
    const { work: hopA } = await use({ name: 'HopA', timeoutMs: 30_000 });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await waitFor(async () => (await hopA.hop(0).catch(() => undefined)) !== undefined, 'the chain to answer', 15_000);

    const ok = await withOptions(hopA, { timeoutMs: 2_000, traceparent }).hop(0);
    const [a, b, c] = [ok, ok.downstream!, ok.downstream!.downstream!];
    expect([a.instance, b.instance, c.instance]).toEqual(['HopA', 'HopB', 'HopC']);
    expect([a.traceparent, b.traceparent, c.traceparent]).toEqual([traceparent, traceparent, traceparent]);
    expect(a.leftMs).toBeLessThanOrEqual(2_000);
    expect(b.leftMs).toBeLessThanOrEqual(a.leftMs!);
    expect(c.leftMs).toBeLessThanOrEqual(b.leftMs!);

    // C sleeps 4 s; the first caller allows 800 ms. B's own default is 30 s: it must give up with A's deadline.
    const started = Date.now();
    const error = await withOptions(hopA, { timeoutMs: 800 }).hop(4_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_500);
    const line = await providers[1].waitForLine(/HOP HopB downstream failed after (\d+) ms/, 3_000);
    expect(Number(line[1])).toBeLessThan(1_200);
  });

  it('slow instance (+500 ms): within 10 s ≥ 80 % of calls go to the healthy two, p50 within 2× of all-healthy, healthy ones share evenly', async () => {
    const { work } = await use();
    await warm(work);
    const load = closedLoop(() => work.work('slow'), 8);
    await sleep(2_500);
    const healthyP50 = median(load.between(Date.now() - 2_000, Date.now()).map((c) => c.latencyMs));
    providers[1].process.kill('SIGUSR2');
    const toggled = Date.now();
    try {
      await sleep(6_000);
      const window = load.between(toggled + 1_000, toggled + 6_000);
      const p50 = median(window.map((c) => c.latencyMs));
      const healthyShare = 1 - shareOf(window, 'p2');
      const [p1, p3] = [shareOf(window, 'p1'), shareOf(window, 'p3')];
      process.stdout.write(`slow: healthy p50 ${healthyP50.toFixed(2)} ms, slow-phase p50 ${p50.toFixed(2)} ms, healthy share ${(healthyShare * 100).toFixed(1)} %, p1/p3 ${(p1 / p3).toFixed(2)}, ${window.length} calls\n`);
      expect(healthyShare).toBeGreaterThanOrEqual(0.8);
      expect(p50).toBeLessThanOrEqual(2 * healthyP50);
      expect(p1 / p3).toBeGreaterThan(0.75);
      expect(p1 / p3).toBeLessThan(1.33);
    } finally {
      providers[1].process.kill('SIGUSR2');
      await load.stop();
    }
    expect(load.failures).toEqual([]);
  }, 40_000);

  it('failing instance: timeouts eject it and a probe re-admits it; domain errors never eject', async () => {
    const { work, manager } = await use({ timeoutMs: 300 });
    await warm(work);
    const ejected = () => manager.describe()[0].instances.find((i) => i.ejected);
    providers[0].process.kill('SIGHUP'); // p1: hang
    await providers[0].waitForLine(/MODE=hang/, 2_000);
    const load = closedLoop(() => work.work('fail'), 8);
    try {
      await waitFor(() => ejected() !== undefined, 'p1 to be ejected', 3_000);
      const since = Date.now();
      await sleep(4_000);
      const failed = load.failures.filter((f) => f.at >= since).length;
      const done = load.between(since, Date.now()).length;
      process.stdout.write(`failing: ${failed} failed of ${failed + done} after ejection\n`);
      expect(failed / (failed + done)).toBeLessThan(0.01);
      expect(load.failures.every((f) => f.error instanceof RpcTimeoutError)).toBe(true);
    } finally {
      await load.stop();
    }

    providers[0].process.kill('SIGHUP'); // p1: domain errors
    await providers[0].waitForLine(/MODE=domain/, 2_000);
    let everEjected = false;
    const domain = await (async () => {
      try {
        await waitFor(() => ejected() === undefined, 'p1 to be re-admitted', 10_000);
        // A fresh consumer with the default 5 s timeout, so only the domain errors fail calls.
        const fresh = await use();
        const answers: string[] = [];
        await waitFor(
          async () => {
            const answer = await fresh.work.work('x').catch((e: unknown) => e);
            answers.push(answer instanceof Error ? `${answer.name}: ${answer.message}` : JSON.stringify(answer));
            return isDomain(answer);
          },
          'p1 to answer with domain errors',
          10_000,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; answers: ${[...new Set(answers)].join(' | ')}; ${JSON.stringify(fresh.manager.describe())}`);
        });
        const loop = closedLoop(() => fresh.work.work('domain'), 8);
        const watch = setInterval(() => (everEjected ||= fresh.manager.describe()[0].instances.some((i) => i.ejected)), 50);
        await sleep(2_000);
        clearInterval(watch);
        await loop.stop();
        return loop;
      } finally {
        providers[0].process.kill('SIGHUP'); // p1: normal again
      }
    })();
    const notDomain = domain.failures.filter((f) => !isDomain(f.error)).map((f) => String(f.error));
    expect(notDomain).toEqual([]);
    expect(domain.failures.length).toBeGreaterThan(10);
    expect(shareOf(domain.completions, 'p1')).toBe(0);
    expect(everEjected).toBe(false);
  }, 40_000);

  it('black hole: a registered address that never answers gets no call, only probes, and < 1 % of calls fail', async () => {
    const { work } = await use();
    await warm(work);
    const received: Buffer[] = [];
    const sockets = new Set<Socket>();
    let connections = 0;
    const hole: Server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const registry = new EtcdRegistry({ hosts: etcd.endpoints, namespace: NS });
    const port = (hole.address() as { port: number }).port;
    const reads = closedLoop(() => work.work('hole'), 4);
    const writes = closedLoop(() => work.write('hole'), 4);
    try {
      await registry.register({ id: 'black-hole', service: 'WorkService', version: '1.0.0', host: '127.0.0.1', port, weight: 1 });
      await sleep(5_000);
    } finally {
      await Promise.all([reads.stop(), writes.stop()]);
      await registry.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    }
    const total = reads.completions.length + writes.completions.length;
    const failed = reads.failures.length + writes.failures.length;
    process.stdout.write(`black hole: ${failed} failed of ${total + failed}, ${connections} connection(s)\n`);
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(3);
    expect(failed / (total + failed)).toBeLessThan(0.01);
    const bytes = Buffer.concat(received).toString('latin1');
    expect(bytes).not.toContain('WorkService.');
  }, 30_000);

  it('frozen instance (SIGSTOP): from 3 s on ≥ 80 % of the calls/s; idempotent in-flight calls retried elsewhere, non-idempotent ones time out clearly; traffic returns after SIGCONT', async () => {
    const { work } = await use();
    const { work: rotating } = await use({ balancer: 'round-robin' });
    await Promise.all([warm(work), warm(rotating)]);
    const load = closedLoop(() => work.work('frozen'), 8);
    await sleep(2_500);
    const before = load.between(Date.now() - 2_000, Date.now()).length / 2;

    // Two of each hold on every instance (round robin), so some are in flight on p3 when it freezes.
    const held = Date.now();
    const reads = Array.from({ length: 6 }, () => rotating.work('held', 1_500).then((s) => s.instance));
    const writes = Array.from({ length: 6 }, () => rotating.write('held', 1_500).then((s) => s.instance, (e: unknown) => e));
    await sleep(50);
    providers[2].process.kill('SIGSTOP');
    const stopped = Date.now();
    // The load stops on every way out: left running after a failed assertion it kept calling
    // (into closed clients) through every later suite of the run.
    try {
      try {
        const readServers = await Promise.all(reads);
        expect(Date.now() - held).toBeLessThan(5_000);
        expect(readServers).not.toContain('p3');
        const writeOutcomes = await Promise.all(writes);
        const timedOut = writeOutcomes.filter((o) => o instanceof RpcTimeoutError) as RpcTimeoutError[];
        expect(timedOut.length).toBeGreaterThanOrEqual(1);
        expect(timedOut[0].message).toMatch(/stopped answering.*may have run/);
        expect(writeOutcomes.filter((o) => typeof o === 'string').length + timedOut.length).toBe(6);

        await sleep(Math.max(0, stopped + 3_000 - Date.now()));
        await sleep(3_000);
        const after = load.between(stopped + 3_000, stopped + 6_000).length / 3;
        process.stdout.write(`frozen: ${before.toFixed(0)} calls/s before, ${after.toFixed(0)} calls/s from 3 s after the stop\n`);
        expect(after).toBeGreaterThanOrEqual(0.8 * before);
      } finally {
        providers[2].process.kill('SIGCONT');
      }
      const resumed = Date.now();
      await waitFor(() => load.between(resumed, Date.now()).some((c) => c.who === 'p3'), 'p3 to get traffic again', 15_000);
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
  }, 50_000);
});
