import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  CountBreaker,
  handleWhen,
  IBreaker,
} from 'cockatiel';
import { Observable, Subscription } from 'rxjs';
import { isServiceFailure } from '../cluster/call-errors';
import { DEFAULT_BREAKER_CONSECUTIVE_FAILURES, DEFAULT_BREAKER_HALF_OPEN_AFTER_MS, DEFAULT_BREAKER_WINDOW_CALLS } from '../constants';
import { BulkheadRejectedError } from '../errors/bulkhead-rejected.error';
import { CircuitOpenError } from '../errors/circuit-open.error';
import { Bulkhead } from './bulkhead';
import { BulkheadOptions, CircuitBreakerOptions } from './resilience.options';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** The call ended in a way that is not the service's fault (domain error): a success for the breaker. */
interface Answered {
  error?: unknown;
}

/** The subscriber left: neither success nor failure. Not an error the breaker handles. */
const CANCELLED = Symbol('cancelled');

/**
 * A service's bulkhead and circuit breaker around its logical calls. The breaker is cockatiel's
 * CircuitBreakerPolicy: an Observable call runs inside one `execute()`, and its outcome is what
 * the breaker counts. The bulkhead (ours, see Bulkhead) holds a slot until the call completes,
 * fails or is unsubscribed; it is outside the breaker, so a call refused for lack of a slot never
 * counts as a failure of the service.
 */
export class ServiceGuard {
  private readonly bulkhead: Bulkhead | undefined;
  private readonly breaker: CircuitBreakerPolicy | undefined;

  constructor(
    readonly service: string,
    options: { bulkhead?: BulkheadOptions; circuitBreaker?: CircuitBreakerOptions },
  ) {
    const limit = options.bulkhead;
    if (limit !== undefined) {
      if (!Number.isInteger(limit.maxConcurrent) || limit.maxConcurrent < 1) throw new TypeError(`${service}: bulkhead.maxConcurrent must be an integer ≥ 1, got ${limit.maxConcurrent}`);
      this.bulkhead = new Bulkhead(limit.maxConcurrent, limit.maxQueued ?? 0);
    }
    if (options.circuitBreaker !== undefined) {
      const breaker = options.circuitBreaker;
      this.breaker = circuitBreaker(handleWhen(isServiceFailure), {
        halfOpenAfter: breaker.halfOpenAfterMs ?? DEFAULT_BREAKER_HALF_OPEN_AFTER_MS,
        breaker: breakerOf(service, breaker),
      });
    }
  }

  /** Nothing to guard: the client keeps its plain call path. */
  static create(service: string, options: { bulkhead?: BulkheadOptions; circuitBreaker?: CircuitBreakerOptions }): ServiceGuard | undefined {
    return options.bulkhead === undefined && options.circuitBreaker === undefined ? undefined : new ServiceGuard(service, options);
  }

  get circuitState(): CircuitStateName {
    switch (this.breaker?.state) {
      case CircuitState.Open:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half-open';
      case CircuitState.Isolated:
        return 'isolated';
      default:
        return 'closed';
    }
  }

  /** Calls running inside the bulkhead now, and waiting for a slot. */
  get bulkheadUse(): { running: number; queued: number } {
    return this.bulkhead?.use ?? { running: 0, queued: 0 };
  }

  guard<T>(source: Observable<T>): Observable<T> {
    const broken = this.breaker === undefined ? source : this.broken(source, this.breaker);
    if (this.bulkhead === undefined) return broken;
    const { maxConcurrent, maxQueued } = this.bulkhead;
    return this.bulkhead.wrap(broken, () => new BulkheadRejectedError(this.service, maxConcurrent, maxQueued));
  }

  /** `source` inside the breaker's execute(): refused while open, its outcome counted. */
  private broken<T>(source: Observable<T>, breaker: CircuitBreakerPolicy): Observable<T> {
    return new Observable<T>((subscriber) => {
      const abort = new AbortController();
      let inner: Subscription | undefined;
      // Our own signal, not the one execute() passes: a call waiting out a half-open probe is
      // re-run by cockatiel without the caller's signal, and must still not start once cancelled.
      const signal = abort.signal;
      const run = (): Promise<Answered> =>
        new Promise<Answered>((resolve, reject) => {
          if (signal.aborted) return reject(CANCELLED);
          let answered = false;
          // Unsubscribed after a value (firstValueFrom, a unary call's usual end): the service answered.
          const onAbort = () => {
            inner?.unsubscribe();
            if (answered) resolve({});
            else reject(CANCELLED);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          const settle = () => signal.removeEventListener('abort', onAbort);
          inner = source.subscribe({
            next: (value) => {
              answered = true;
              subscriber.next(value);
            },
            error: (err: unknown) => {
              settle();
              if (isServiceFailure(err)) reject(err);
              else resolve({ error: err });
            },
            complete: () => {
              settle();
              resolve({});
            },
          });
        });
      breaker.execute(run, abort.signal).then(
        (answered) => ('error' in answered ? subscriber.error(answered.error) : subscriber.complete()),
        (err: unknown) => {
          if (err === CANCELLED || abort.signal.aborted) return;
          subscriber.error(err instanceof BrokenCircuitError ? new CircuitOpenError(this.service, { cause: err }) : err);
        },
      );
      return () => abort.abort();
    });
  }
}

function breakerOf(service: string, options: CircuitBreakerOptions): IBreaker {
  if (options.failureRatio === undefined) {
    const threshold = options.consecutiveFailures ?? DEFAULT_BREAKER_CONSECUTIVE_FAILURES;
    if (!Number.isInteger(threshold) || threshold < 1) throw new TypeError(`${service}: circuitBreaker.consecutiveFailures must be an integer ≥ 1, got ${threshold}`);
    return new ConsecutiveBreaker(threshold);
  }
  const size = options.windowCalls ?? DEFAULT_BREAKER_WINDOW_CALLS;
  if (!(options.failureRatio > 0 && options.failureRatio <= 1)) throw new TypeError(`${service}: circuitBreaker.failureRatio must be in (0, 1], got ${options.failureRatio}`);
  return new CountBreaker({ threshold: options.failureRatio, size, minimumNumberOfCalls: options.minimumCalls ?? size });
}

/** Refused by the guard itself (never sent): a strategy's own fallback never saw it. */
export function isGuardRefusal(error: unknown): boolean {
  return error instanceof CircuitOpenError || error instanceof BulkheadRejectedError;
}
