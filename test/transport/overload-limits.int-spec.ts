import { MessageHandler } from '@nestjs/microservices';
import { RpcClient, RpcContext, RpcRecord, RpcServer, RpcServerOptions, ServerOverloadedError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { waitFor } from '../support/wait-for';

/** Overload limits across real sockets: exact admitted/refused counts, refill measured in ms. */
describe('RpcServer overload limits', () => {
  const servers: RpcServer[] = [];
  const clients: RpcClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** A server whose handlers count their runs; 'hold' calls wait until `releaseAll()`. */
  async function start(options: RpcServerOptions) {
    const server = new RpcServer({ host: '127.0.0.1', port: 0, ...options });
    const runs: Record<string, number> = { hold: 0, hold2: 0, tick: 0 };
    /** Server clock (ms) at each admitted 'tick'. */
    const tickedAt: number[] = [];
    const waiting: (() => void)[] = [];
    const hold = (name: string) => (async () => {
      runs[name]++;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return 'done';
    }) as unknown as MessageHandler;
    server.addHandler('hold', hold('hold'), false);
    server.addHandler('hold2', hold('hold2'), false);
    server.addHandler('tick', (async () => {
      tickedAt.push(performance.now());
      return ++runs.tick;
    }) as unknown as MessageHandler, false);
    await new Promise<void>((resolve, reject) => server.listen((err) => (err ? reject(err) : resolve())));
    servers.push(server);
    const client = (headers?: Record<string, string>) => {
      const c = new RpcClient({ host: '127.0.0.1', port: server.address().port, reconnect: false, headers });
      clients.push(c);
      return c;
    };
    return { server, runs, tickedAt, client, releaseAll: () => waiting.splice(0).forEach((r) => r()) };
  }

  const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (err instanceof ServerOverloadedError ? `overloaded:${err.reason}` : `other:${String(err)}`));
  const count = (results: string[], value: string) => results.filter((r) => r === value).length;

  it('admits exactly maxConcurrent of a burst per method and maxConcurrentCalls over the server; the rest are refused before the handler', async () => {
    const h = await start({ limits: { maxConcurrentCalls: 8, methods: { hold: { maxConcurrent: 5 } } } });
    const a = h.client();
    const b = h.client();
    const burst = Array.from({ length: 20 }, (_, i) => outcome(firstValueFrom((i % 2 ? a : b).send('hold', i))));
    // 'hold2' has no method limit: only the 3 global slots left are free.
    const others = Array.from({ length: 10 }, () => outcome(firstValueFrom(a.send('hold2', 0))));
    await waitFor(() => h.runs.hold + h.runs.hold2 === 8, '8 calls running');
    // The refusals have all arrived once 22 of the 30 calls have an answer; the 8 admitted wait.
    const early = await Promise.race([Promise.all([...burst, ...others]), new Promise<string>((resolve) => setTimeout(() => resolve('waiting'), 300))]);
    expect(early).toBe('waiting');
    expect(h.runs).toMatchObject({ hold: 5, hold2: 3 });
    expect(h.server.limiter?.activeCalls).toBe(8);
    h.releaseAll();
    const results = await Promise.all(burst);
    const otherResults = await Promise.all(others);
    expect(count(results, 'ok')).toBe(5);
    expect(count(results, 'overloaded:concurrency')).toBe(15);
    expect(count(otherResults, 'ok')).toBe(3);
    expect(count(otherResults, 'overloaded:concurrency')).toBe(7);
    expect(h.runs).toMatchObject({ hold: 5, hold2: 3 });
    expect(h.server.limiter?.activeCalls).toBe(0);
    // Slots are free again.
    const again = firstValueFrom(a.send('hold', 0));
    await waitFor(() => h.runs.hold === 6, 'the next call to run');
    h.releaseAll();
    await expect(again).resolves.toBe('done');
  });

  it('rate-limits a method to exactly its burst, with retryAfterMs until the next token', async () => {
    const h = await start({ limits: { methods: { tick: { rate: { perSecond: 2, burst: 5 } } } } });
    const client = h.client();
    await client.connect();
    const results = await Promise.all(Array.from({ length: 12 }, () => outcome(firstValueFrom(client.send('tick', 0)))));
    expect(count(results, 'ok')).toBe(5);
    expect(count(results, 'overloaded:rate_limit')).toBe(7);
    expect(h.runs.tick).toBe(5);
    const refusal = (await firstValueFrom(client.send('tick', 0)).catch((err: unknown) => err)) as ServerOverloadedError;
    expect(refusal).toBeInstanceOf(ServerOverloadedError);
    expect(refusal.retryable).toBe(true);
    expect(refusal.retryAfterMs).toBeGreaterThan(0);
    expect(refusal.retryAfterMs).toBeLessThanOrEqual(500);
  });

  it('refills at the configured rate: admissions over ~1 s = burst + perSecond × elapsed (server clock), less only what event-loop stalls let overflow', async () => {
    const perSecond = 50; // one token every 20 ms
    const burst = 10; // 200 ms of slack: an offer delayed by a loaded machine loses no token
    const h = await start({ limits: { methods: { tick: { rate: { perSecond, burst } } } } });
    const client = h.client();
    await client.connect();
    // Offer a call every ~2 ms for 1 s: far above 50/s, so the bucket alone paces admissions.
    const offered: Promise<string>[] = [];
    const offeredAt: number[] = [];
    const began = performance.now();
    while (performance.now() - began < 1_000) {
      offeredAt.push(performance.now());
      offered.push(outcome(firstValueFrom(client.send('tick', 0))));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const results = await Promise.all(offered);
    const admitted = count(results, 'ok');
    expect(admitted).toBe(h.tickedAt.length);
    expect(admitted + count(results, 'overloaded:rate_limit')).toBe(offered.length);
    // The bucket was full at the first admission; from then on it earned perSecond tokens per second:
    // never more admissions than that (the limit itself) ...
    const elapsedMs = h.tickedAt[h.tickedAt.length - 1] - h.tickedAt[0];
    const earned = burst + (elapsedMs * perSecond) / 1000;
    expect(admitted).toBeLessThanOrEqual(Math.ceil(earned) + 1);
    // ... and no fewer, except for tokens a stalled event loop (this process runs client and server)
    // let overflow the full bucket: a gap between offers longer than the burst's worth of refill.
    // On a quiet machine stalledMs is 0 and this is the exact count, −2/+1.
    const slackMs = (burst * 1000) / perSecond;
    const stalledMs = offeredAt.slice(1).reduce((sum, t, i) => sum + Math.max(0, t - offeredAt[i] - slackMs), 0);
    expect(admitted).toBeGreaterThanOrEqual(Math.floor(burst + ((elapsedMs - stalledMs) * perSecond) / 1000) - 2);
  });

  it('keys per-caller buckets by peer address by default: two connections of one host share one', async () => {
    const h = await start({ limits: { perCaller: { perSecond: 0.001, burst: 3 } } });
    const a = h.client();
    const b = h.client();
    const fromA = await Promise.all(Array.from({ length: 2 }, () => outcome(firstValueFrom(a.send('tick', 0)))));
    const fromB = await Promise.all(Array.from({ length: 3 }, () => outcome(firstValueFrom(b.send('tick', 0)))));
    expect([...fromA, ...fromB]).toEqual(['ok', 'ok', 'ok', 'overloaded:rate_limit', 'overloaded:rate_limit']);
    expect(h.runs.tick).toBe(3);
    expect(h.server.limiter?.callers.size).toBe(1);
  });

  it('takes callerKey(ctx) for per-caller and per-method-per-caller limits', async () => {
    const h = await start({
      limits: {
        callerKey: (ctx: RpcContext) => ctx.getHeader('tenant') ?? 'anonymous',
        perCaller: { perSecond: 0.001, burst: 4 },
        methods: { tick: { perCaller: { perSecond: 0.001, burst: 2 } } },
      },
    });
    const tenantA = h.client({ tenant: 'a' });
    const tenantB = h.client({ tenant: 'b' });
    const a = await Promise.all(Array.from({ length: 4 }, () => outcome(firstValueFrom(tenantA.send('tick', 0)))));
    const b = await Promise.all(Array.from({ length: 2 }, () => outcome(firstValueFrom(tenantB.send('tick', 0)))));
    expect(count(a, 'ok')).toBe(2);
    expect(count(a, 'overloaded:rate_limit')).toBe(2);
    expect(b).toEqual(['ok', 'ok']);
    // Tenant a still has 2 of its 4 global tokens for another method (only the refused calls took none).
    const c = h.client();
    const hold = [outcome(firstValueFrom(c.send('hold', new RpcRecord(0, { headers: { tenant: 'a' } })))), outcome(firstValueFrom(c.send('hold', new RpcRecord(0, { headers: { tenant: 'a' } }))))];
    const third = await outcome(firstValueFrom(c.send('hold', new RpcRecord(0, { headers: { tenant: 'a' } }))));
    expect(third).toBe('overloaded:rate_limit');
    await waitFor(() => h.runs.hold === 2, 'both calls running');
    h.releaseAll();
    expect(await Promise.all(hold)).toEqual(['ok', 'ok']);
    expect(h.runs.tick).toBe(4);
  });
});
