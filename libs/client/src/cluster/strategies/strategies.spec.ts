import { ConnectionClosedError, ConnectionRefusedError, RemoteError, RpcTimeoutError, ServerDrainingError } from '@nestrpc/transport';
import { firstValueFrom, lastValueFrom, map, of, throwError, timer } from 'rxjs';
import { RetryBudget } from '../retry-budget';
import { broadcast } from './broadcast.strategy';
import { failbackWith } from './failback.strategy';
import { FailbackQueue } from './failback-queue';
import { failfast } from './failfast.strategy';
import { failover } from './failover.strategy';
import { failsafe } from './failsafe.strategy';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { forking } from './forking.strategy';

const fail = (error: unknown) => () => throwError(() => error);
/** What a handler's `throw new RpcException({...})` is on the caller's side: its payload. */
const domainError = (code: string) => ({ status: 'error', code, message: `${code} from the handler` });
const ambiguous = [
  ['a timeout', () => new RpcTimeoutError('Svc.run', 100)],
  ['a connection dropped after the write', () => new ConnectionClosedError('peer reset', { written: true })],
] as const;

describe('failover', () => {
  it.each(ambiguous)('does not retry a non-idempotent call after %s (it may have run)', async (_what, error) => {
    const invoker = new FakeInvoker(['a', 'b', 'c'], fail(error()));
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall({ idempotent: false })))).rejects.toBeInstanceOf(error().constructor);
    expect(invoker.attempts).toEqual(['a']);
  });

  it.each(ambiguous)('retries an idempotent call elsewhere after %s', async (_what, error) => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => (i.id === 'a' ? throwError(error) : of('from b')));
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall({ idempotent: true })))).resolves.toBe('from b');
    expect(invoker.attempts).toEqual(['a', 'b']);
  });

  it('retries any call the server did not run (refused, draining), at most `retries` times', async () => {
    const invoker = new FakeInvoker(['a', 'b', 'c', 'd'], (i) => (i.id === 'a' ? throwError(() => new ConnectionRefusedError('x:1')) : throwError(() => new ServerDrainingError('x:1'))));
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall({ retries: 2 })))).rejects.toBeInstanceOf(ServerDrainingError);
    expect(invoker.attempts).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['a handler error (RpcException payload)', () => domainError('OUT_OF_STOCK')],
    ['an unknown server error (RemoteError)', () => new RemoteError({ code: 'ODD', message: 'odd' })],
  ])('never retries %s, even for idempotent calls', async (_what, error) => {
    const invoker = new FakeInvoker(['a', 'b'], fail(error()));
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall({ idempotent: true })))).rejects.toEqual(error());
    expect(invoker.attempts).toEqual(['a']);
  });

  it('keeps the retry budget under a burst of failures: retries ≤ the floor + 20 % of the calls', async () => {
    const budget = new RetryBudget(0.2, 10);
    const invoker = new FakeInvoker(['a', 'b', 'c'], fail(new ConnectionRefusedError('x:1')), budget);
    const calls = 200;
    await Promise.all(Array.from({ length: calls }, () => lastValueFrom(failover(invoker.asInvoker(), fakeCall({ retries: 2 }))).catch(() => undefined)));
    const retries = invoker.attempts.length - calls;
    expect(retries).toBeGreaterThan(0);
    expect(retries).toBeLessThanOrEqual(10 + 0.2 * calls + 1); // floor tokens + ratio (+1 for refill during the burst)
  });

  it('does not start an attempt once the deadline passed', async () => {
    const invoker = new FakeInvoker(['a', 'b'], fail(new ConnectionRefusedError('x:1')));
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall({ deadline: Date.now() - 1 })))).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(invoker.attempts).toEqual([]);
  });
});

describe('failfast', () => {
  it('makes exactly one attempt, whatever the error', async () => {
    const invoker = new FakeInvoker(['a', 'b'], fail(new ConnectionRefusedError('x:1')));
    await expect(lastValueFrom(failfast(invoker.asInvoker(), fakeCall()))).rejects.toBeInstanceOf(ConnectionRefusedError);
    expect(invoker.attempts).toEqual(['a']);
  });
});

describe('failsafe', () => {
  it('answers the fallback after failover gave up', async () => {
    const invoker = new FakeInvoker(['a'], fail(new ConnectionRefusedError('x:1')));
    await expect(lastValueFrom(failsafe(invoker.asInvoker(), fakeCall({}, { fallback: 'fallback' })))).resolves.toBe('fallback');
  });
});

describe('forking', () => {
  it('really calls `forks` instances at once, keeps the first answer and cancels the losers', async () => {
    const delays: Record<string, number> = { a: 50, b: 5, c: 30 };
    const invoker = new FakeInvoker(['a', 'b', 'c'], (i) => timer(delays[i.id]).pipe(map(() => i.id)));
    await expect(lastValueFrom(forking(invoker.asInvoker(), fakeCall({}, { forks: 3 })))).resolves.toBe('b');
    expect(invoker.attempts).toEqual(['a', 'b', 'c']);
    expect(invoker.cancelled.sort()).toEqual(['a', 'c']);
  });

  it('fails only when every fork failed', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => (i.id === 'a' ? throwError(() => new ConnectionRefusedError('x:1')) : timer(5).pipe(map(() => 'b'))));
    await expect(lastValueFrom(forking(invoker.asInvoker(), fakeCall()))).resolves.toBe('b');
    const none = new FakeInvoker(['a', 'b'], fail(new ConnectionRefusedError('x:1')));
    await expect(lastValueFrom(forking(none.asInvoker(), fakeCall()))).rejects.toBeInstanceOf(ConnectionRefusedError);
  });
});

describe('broadcast', () => {
  it('answers every result in instance order, and fails when one instance fails', async () => {
    const ok = new FakeInvoker(['a', 'b', 'c'], (i) => of(i.id));
    await expect(firstValueFrom(broadcast(ok.asInvoker(), fakeCall()))).resolves.toEqual(['a', 'b', 'c']);
    const oneFails = new FakeInvoker(['a', 'b', 'c'], (i) => (i.id === 'b' ? throwError(() => domainError('NOPE')) : of(i.id)));
    await expect(firstValueFrom(broadcast(oneFails.asInvoker(), fakeCall()))).rejects.toEqual(domainError('NOPE'));
    expect(oneFails.attempts.sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('failback', () => {
  let queue: FailbackQueue | undefined;
  afterEach(() => queue?.close());

  it('never swallows a domain error and never queues it, even for idempotent calls', async () => {
    const invoker = new FakeInvoker(['a'], fail(domainError('OUT_OF_STOCK')));
    queue = new FailbackQueue(invoker.asInvoker());
    await expect(lastValueFrom(failbackWith(queue)(invoker.asInvoker(), fakeCall({ idempotent: true }, { fallback: 'later' })))).rejects.toEqual(domainError('OUT_OF_STOCK'));
    expect(queue.size).toBe(0);
  });

  it.each(ambiguous)('does not queue a non-idempotent call after %s: the caller gets the error', async (_what, error) => {
    const invoker = new FakeInvoker(['a'], fail(error()));
    queue = new FailbackQueue(invoker.asInvoker());
    await expect(lastValueFrom(failbackWith(queue)(invoker.asInvoker(), fakeCall({ idempotent: false }, { fallback: 'later' })))).rejects.toBeInstanceOf(error().constructor);
    expect(queue.size).toBe(0);
  });

  it('queues what is safe (never written, or idempotent) and answers the fallback at once', async () => {
    const invoker = new FakeInvoker(['a'], fail(new ConnectionRefusedError('x:1')));
    queue = new FailbackQueue(invoker.asInvoker());
    await expect(lastValueFrom(failbackWith(queue)(invoker.asInvoker(), fakeCall({}, { fallback: 'later' })))).resolves.toBe('later');
    await expect(lastValueFrom(failbackWith(queue)(invoker.asInvoker(), fakeCall({ idempotent: true }, { fallback: 'later' })))).resolves.toBe('later');
    expect(queue.size).toBe(2);
  });

  it('bounds its queue: once full, the caller gets the error instead of a silent drop', async () => {
    const invoker = new FakeInvoker(['a'], fail(new ConnectionRefusedError('x:1')));
    queue = new FailbackQueue(invoker.asInvoker(), 2);
    const strategy = failbackWith(queue);
    const outcomes = await Promise.all(Array.from({ length: 3 }, () => lastValueFrom(strategy(invoker.asInvoker(), fakeCall({}, { fallback: 'later' }))).catch((e: unknown) => e)));
    expect(outcomes.slice(0, 2)).toEqual(['later', 'later']);
    expect(outcomes[2]).toBeInstanceOf(ConnectionRefusedError);
    expect(queue.size).toBe(2);
  });

  it('retries in the background, and gives up on a retry that is no longer safe (runs a domain-failing call once)', async () => {
    let runs = 0;
    const invoker = new FakeInvoker(['a'], (_i, n) => {
      if (n === 1) return throwError(() => new ConnectionRefusedError('x:1'));
      runs++;
      return throwError(() => domainError('REJECTED'));
    });
    queue = new FailbackQueue(invoker.asInvoker(), 10, 5, undefined, { initialDelayMs: 10 });
    await lastValueFrom(failbackWith(queue)(invoker.asInvoker(), fakeCall({}, { fallback: 'later', retries: 0 } as never)));
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toBe(1);
    expect(queue.size).toBe(0);
  });
});


