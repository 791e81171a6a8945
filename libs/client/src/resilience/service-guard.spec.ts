import { RpcException } from '@nestjs/microservices';
import { RpcTimeoutError, ServerOverloadedError } from '@nestrpc/transport';
import { defer, firstValueFrom, lastValueFrom, map, NEVER, Observable, of, Subject, throwError, timer } from 'rxjs';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected.error';
import { CircuitOpenError } from '../errors/circuit-open.error';
import { ServiceGuard } from './service-guard';

const flush = () => new Promise((resolve) => jest.requireActual<typeof import('timers')>('timers').setImmediate(resolve));

describe('ServiceGuard', () => {
  afterEach(() => jest.useRealTimers());

  /** A source that counts subscriptions (network I/O would start there). */
  function counted<T>(make: () => Observable<T>): { source: Observable<T>; subscriptions: () => number } {
    let n = 0;
    return {
      source: defer(() => {
        n++;
        return make();
      }),
      subscriptions: () => n,
    };
  }

  it('opens after N failed calls in a row, refuses without subscribing, half-opens after halfOpenAfterMs and closes on a good probe', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const guard = new ServiceGuard('Svc', { circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 } });
    let fail = true;
    const { source, subscriptions } = counted(() => (fail ? throwError(() => new RpcTimeoutError('p', 10)) : of('ok')));
    for (let i = 0; i < 3; i++) await expect(lastValueFrom(guard.guard(source))).rejects.toBeInstanceOf(RpcTimeoutError);
    expect(guard.circuitState).toBe('open');
    await expect(lastValueFrom(guard.guard(source))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(subscriptions()).toBe(3);
    jest.advanceTimersByTime(999);
    await expect(lastValueFrom(guard.guard(source))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(subscriptions()).toBe(3);
    jest.advanceTimersByTime(1);
    fail = false;
    await expect(lastValueFrom(guard.guard(source))).resolves.toBe('ok');
    expect(subscriptions()).toBe(4);
    expect(guard.circuitState).toBe('closed');
  });

  it('re-opens when the half-open probe fails', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const guard = new ServiceGuard('Svc', { circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 500 } });
    const failing = throwError(() => new ServerOverloadedError('busy', { reason: 'concurrency' }));
    await expect(lastValueFrom(guard.guard(failing))).rejects.toBeInstanceOf(ServerOverloadedError);
    expect(guard.circuitState).toBe('open');
    jest.advanceTimersByTime(500);
    await expect(lastValueFrom(guard.guard(failing))).rejects.toBeInstanceOf(ServerOverloadedError);
    expect(guard.circuitState).toBe('open');
    await expect(lastValueFrom(guard.guard(of(1)))).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('counts neither domain errors nor rate limits nor cancellations as failures', async () => {
    const guard = new ServiceGuard('Svc', { circuitBreaker: { consecutiveFailures: 1 } });
    await expect(lastValueFrom(guard.guard(throwError(() => new RpcException({ code: 'OUT_OF_STOCK' }))))).rejects.toBeInstanceOf(RpcException);
    await expect(lastValueFrom(guard.guard(throwError(() => new ServerOverloadedError('slow down', { reason: 'rate_limit' }))))).rejects.toBeInstanceOf(ServerOverloadedError);
    guard.guard(NEVER).subscribe().unsubscribe();
    await flush();
    expect(guard.circuitState).toBe('closed');
  });

  it('opens on a failure ratio over a window of calls', async () => {
    const guard = new ServiceGuard('Svc', { circuitBreaker: { failureRatio: 0.5, windowCalls: 4 } });
    const bad = throwError(() => new RpcTimeoutError('p', 1));
    await lastValueFrom(guard.guard(of(1)));
    await lastValueFrom(guard.guard(bad)).catch(() => undefined);
    await lastValueFrom(guard.guard(of(1)));
    await lastValueFrom(guard.guard(bad)).catch(() => undefined);
    expect(guard.circuitState).toBe('closed'); // 2 of 4: not more than half
    await lastValueFrom(guard.guard(bad)).catch(() => undefined);
    expect(guard.circuitState).toBe('open'); // the last 4: 3 failed
  });

  it('bulkhead: runs maxConcurrent, queues maxQueued, refuses the rest without subscribing, frees slots on completion and unsubscribe', async () => {
    const guard = new ServiceGuard('Svc', { bulkhead: { maxConcurrent: 2, maxQueued: 1 } });
    const gates: Subject<string>[] = [];
    const { source, subscriptions } = counted(() => {
      const gate = new Subject<string>();
      gates.push(gate);
      return gate;
    });
    const results = Array.from({ length: 5 }, () => lastValueFrom(guard.guard(source)).catch((e: unknown) => e));
    await flush();
    expect(subscriptions()).toBe(2);
    expect(guard.bulkheadUse).toEqual({ running: 2, queued: 1 });
    const refused = await results[3];
    expect(refused).toBeInstanceOf(BulkheadRejectedError);
    expect(refused).toMatchObject({ code: 'BULKHEAD_REJECTED', retryable: true, maxConcurrent: 2, maxQueued: 1 });
    expect(await results[4]).toBeInstanceOf(BulkheadRejectedError);
    gates[0].next('a');
    gates[0].complete();
    expect(await results[0]).toBe('a');
    await flush();
    expect(subscriptions()).toBe(3); // the queued call got the slot
    // An unsubscribed call gives its slot back.
    const held = guard.guard(source).subscribe();
    await flush();
    held.unsubscribe();
    await flush();
    gates[1].complete();
    gates[2].complete();
    await Promise.all(results.slice(1, 3));
    await flush();
    expect(guard.bulkheadUse).toEqual({ running: 0, queued: 0 });
  });

  it('bulkhead: frees the slot before the caller sees the answer, so back-to-back calls with maxConcurrent 1 all run', async () => {
    const guard = new ServiceGuard('Svc', { bulkhead: { maxConcurrent: 1 }, circuitBreaker: {} });
    for (let i = 0; i < 5; i++) await expect(firstValueFrom(guard.guard(timer(1).pipe(map(() => i))))).resolves.toBe(i);
    expect(guard.bulkheadUse).toEqual({ running: 0, queued: 0 });
  });

  it('is not created when neither limit is configured', () => {
    expect(ServiceGuard.create('Svc', {})).toBeUndefined();
    expect(() => new ServiceGuard('Svc', { bulkhead: { maxConcurrent: 0 } })).toThrow(TypeError);
    expect(() => new ServiceGuard('Svc', { circuitBreaker: { failureRatio: 2 } })).toThrow(TypeError);
  });
});
