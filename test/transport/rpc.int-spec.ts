import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import {
  RpcClient,
  RpcRecord,
  RpcTimeoutError,
  UnknownPatternError,
} from '@nestrpc/transport';
import { waitFor } from '../support/wait-for';
import { MathController } from './fixtures/math.controller';
import { MathHarness, startMathServer } from './support';

describe('RpcServer + RpcClient over a real socket', () => {
  let h: MathHarness;
  let client: RpcClient;

  beforeAll(async () => {
    h = await startMathServer();
    client = h.client();
    await client.connect();
  });

  afterAll(() => h.close());

  it('returns plain values', async () => {
    await expect(firstValueFrom(client.send('sum', [1, 2, 3]))).resolves.toBe(6);
  });

  it('resolves Promises and routes object patterns', async () => {
    await expect(firstValueFrom(client.send({ cmd: 'async-double' }, 21))).resolves.toBe(42);
  });

  it('streams every value of an Observable, then completes', async () => {
    await expect(lastValueFrom(client.send('range', 100).pipe(toArray()))).resolves.toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('yields exactly one undefined value for a void handler', async () => {
    await expect(lastValueFrom(client.send('nothing', {}).pipe(toArray()))).resolves.toEqual([undefined]);
  });

  it('carries RpcException payloads to the caller intact', async () => {
    await expect(firstValueFrom(client.send('fail', 'no stock'))).rejects.toEqual({ code: 'E_DOMAIN', message: 'no stock', details: { field: 'x' } });
  });

  it('hides plain errors behind Nest\'s generic payload', async () => {
    await expect(firstValueFrom(client.send('boom', {}))).rejects.toEqual({ status: 'error', message: 'Internal server error' });
  });

  it('delivers stream values before a stream error', async () => {
    const seen: unknown[] = [];
    await expect(lastValueFrom(client.send('stream-fail', {}), { defaultValue: null }).catch((e) => { throw e; }))
      .rejects.toEqual({ status: 'error', message: 'stream broke' });
    await new Promise<void>((resolve) => client.send('stream-fail', {}).subscribe({ next: (v) => seen.push(v), error: () => resolve() }));
    expect(seen).toEqual([1]);
  });

  it("answers an unknown pattern with UnknownPatternError carrying Nest's exact message, the pattern apart", async () => {
    const error = await firstValueFrom(client.send({ cmd: 'no-such-pattern' }, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownPatternError);
    expect((error as UnknownPatternError).message).toBe('There is no matching message handler defined in the remote service.');
    expect((error as UnknownPatternError).pattern).toBe('{"cmd":"no-such-pattern"}');
  });

  it('matches 1 000 concurrent calls to their answers', async () => {
    const calls = Array.from({ length: 1000 }, (_, i) => firstValueFrom(client.send<number>('sum', [i, 1])));
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('carries 1 MiB payloads both ways', async () => {
    const big = 'x'.repeat(1024 * 1024);
    await expect(firstValueFrom(client.send('echo', big))).resolves.toHaveLength(big.length);
  });

  it('delivers events one way', async () => {
    MathController.events.length = 0;
    await lastValueFrom(client.emit('notify', { id: 7 }), { defaultValue: undefined });
    await waitFor(() => MathController.events.length === 1, 'the event');
    expect(MathController.events).toEqual([{ id: 7 }]);
  });

  it('passes headers, deadline and idempotency through RpcRecord', async () => {
    const record = new RpcRecord({}, { headers: { tenant: 'acme', 'x-ünï': 'çödé' }, idempotent: true, timeoutMs: 1234 });
    await expect(firstValueFrom(client.send('context', record))).resolves.toEqual({
      pattern: 'context',
      headers: { tenant: 'acme', 'x-ünï': 'çödé' },
      deadlineSet: true,
      idempotent: true,
    });
  });

  it('times out with RpcTimeoutError and cancels the work on the server', async () => {
    MathController.cancelled.length = 0;
    const error = await firstValueFrom(client.send('slow', new RpcRecord(5_000, { timeoutMs: 100 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcTimeoutError);
    await waitFor(() => MathController.cancelled.length === 1, 'the server to abort the call');
    expect(client.pendingCount).toBe(0);
  });

  it('honours an absolute deadline, the earlier of deadline and timeout winning', async () => {
    const started = Date.now();
    const error = await firstValueFrom(client.send('slow', new RpcRecord(5_000, { deadline: Date.now() + 150, timeoutMs: 10_000 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcTimeoutError);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1_000);
    const seen = await firstValueFrom(client.send<{ deadlineSet: boolean }>('context', new RpcRecord({}, { deadline: Date.now() + 5_000 })));
    expect(seen.deadlineSet).toBe(true);
  });

  it('cancels a stream when the caller unsubscribes', async () => {
    const values = await lastValueFrom(client.send<number>('ticks', 1_000).pipe(take(3), toArray()));
    expect(values).toEqual([1, 2, 3]);
    expect(client.pendingCount).toBe(0);
  });

  it('cancels a pending call when the caller unsubscribes', async () => {
    MathController.cancelled.length = 0;
    const subscription = client.send('slow', 5_000).subscribe();
    await waitFor(() => client.pendingCount === 1, 'the call to be sent');
    subscription.unsubscribe();
    await waitFor(() => MathController.cancelled.length === 1, 'the server to abort the call');
  });
});
