import { Logger } from '@nestjs/common';
import { ConnectionRefusedError } from '@nestrpc/transport';
import { of, throwError } from 'rxjs';
import { DEFAULT_FAILBACK_DELAY_MS, DEFAULT_FAILBACK_JITTER, DEFAULT_FAILBACK_MAX_DELAY_MS } from '../../constants';
import { ClusterCall } from '../cluster-invoker';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { FailbackQueue } from './failback-queue';

const refused = () => throwError(() => new ConnectionRefusedError('x:1'));

/** Background retries on jest's fake clock: when each one runs, with which deadline. */
describe('FailbackQueue', () => {
  let queue: FailbackQueue | undefined;
  let runs: Array<{ at: number; call: ClusterCall }>;

  /** An invoker whose attempts fail until `succeedFrom` (1-based, counting only background runs). */
  function invoker(succeedFrom = Number.POSITIVE_INFINITY): FakeInvoker {
    const fake = new FakeInvoker(['a'], () => (runs.length >= succeedFrom ? of('ok') : refused()));
    const attempt = fake.attempt.bind(fake);
    jest.spyOn(fake, 'attempt').mockImplementation((instance, ...rest: unknown[]) => {
      runs.push({ at: Date.now(), call: rest[0] as ClusterCall });
      return attempt(instance);
    });
    return fake;
  }

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    runs = [];
  });

  afterEach(() => {
    queue?.close();
    queue = undefined;
    expect(jest.getTimerCount()).toBe(0); // nothing left scheduled after close
    jest.useRealTimers();
  });

  /** Exact delays: the curve without its jitter (the jittered default is checked below). */
  const UNJITTERED = { jitter: 0 };

  it('retries after the base delay, then doubles the delay while retries fail, capped at 30 s', async () => {
    queue = new FailbackQueue(invoker().asInvoker(), 10, 8, 5_000, UNJITTERED);
    expect(queue.add(fakeCall({ retries: 0 }))).toBe(true);
    await jest.advanceTimersByTimeAsync(DEFAULT_FAILBACK_DELAY_MS - 1);
    expect(runs).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    const gaps = runs.slice(1).map((run, i) => run.at - runs[i].at);
    expect(gaps).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('jitters each delay by at most ±DEFAULT_FAILBACK_JITTER of the curve by default (queues of many consumers do not retry in step)', async () => {
    queue = new FailbackQueue(invoker().asInvoker(), 10, 8, 5_000);
    queue.add(fakeCall({ retries: 0 }));
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toHaveLength(8);
    const gaps = runs.slice(1).map((run, i) => run.at - runs[i].at);
    const curve = [2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(Math.floor(curve[i] * (1 - DEFAULT_FAILBACK_JITTER)));
      expect(gap).toBeLessThanOrEqual(Math.min(DEFAULT_FAILBACK_MAX_DELAY_MS, Math.ceil(curve[i] * (1 + DEFAULT_FAILBACK_JITTER))));
    });
  });

  it('gives a call up after maxAttempts background retries, and is empty then', async () => {
    queue = new FailbackQueue(invoker().asInvoker(), 10, 3, 5_000);
    queue.add(fakeCall({ retries: 0 }));
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toHaveLength(3);
    expect(queue.size).toBe(0);
  });

  it('gives each retry a fresh deadline of timeoutMs (the caller\'s has long passed)', async () => {
    queue = new FailbackQueue(invoker().asInvoker(), 10, 2, 5_000);
    queue.add(fakeCall({ retries: 0, deadline: Date.now() + 10 }));
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs.map((run) => run.call.options.deadline! - run.at)).toEqual([5_000, 5_000]);
  });

  it('stops retrying a call once it succeeded, and goes back to the base delay for the next', async () => {
    queue = new FailbackQueue(invoker(2).asInvoker(), 10, 8, 5_000, UNJITTERED);
    queue.add(fakeCall({ retries: 0 }));
    await jest.advanceTimersByTimeAsync(DEFAULT_FAILBACK_DELAY_MS + 2_000); // fails, then succeeds
    expect(runs).toHaveLength(2);
    expect(queue.size).toBe(0);
    const before = Date.now();
    queue.add(fakeCall({ retries: 0 }));
    await jest.advanceTimersByTimeAsync(DEFAULT_FAILBACK_DELAY_MS);
    expect(runs).toHaveLength(3);
    expect(runs[2].at - before).toBe(DEFAULT_FAILBACK_DELAY_MS);
  });

  it('close drops what is queued, clears its timer and refuses new calls', async () => {
    queue = new FailbackQueue(invoker().asInvoker(), 10, 8, 5_000);
    queue.add(fakeCall({ retries: 0 }));
    queue.add(fakeCall({ retries: 0 }));
    queue.close();
    expect(queue.size).toBe(0);
    expect(queue.add(fakeCall())).toBe(false);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveLength(0);
  });
});
