import {
  BrokenCircuitError,
  bulkhead,
  BulkheadPolicy,
  BulkheadRejectedError as CockatielBulkheadRejectedError,
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
import { BulkheadOptions, CircuitBreakerOptions } from './resilience.options';

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** The call ended in a way that is not the service's fault (domain error): a success for the breaker. */
interface Answered {
  error?: unknown;
}

/** The subscriber left: neither success nor failure. Not an error the breaker handles. */
const CANCELLED = Symbol('cancelled');

/**
 * A service's bulkhead and circuit breaker (cockatiel policies) around its logical calls. An
 * Observable call runs inside one `execute()`: it holds a bulkhead slot until it completes, fails
 * or is unsubscribed, and its outcome is what the breaker counts. The bulkhead is outside the
 * breaker, so a call refused for lack of a slot never counts as a failure of the service.
 */
export class ServiceGuard {
  private readonly bulkhead: BulkheadPolicy | undefined;
  private readonly breaker: CircuitBreakerPolicy | undefined;

  constructor(
    readonly service: string,
    private readonly options: { bulkhead?: BulkheadOptions; circuitBreaker?: CircuitBreakerOptions },
  ) {
    const limit = options.bulkhead;
    if (limit !== undefined) {
      if (!Number.isInteger(limit.maxConcurrent) || limit.maxConcurrent < 1) throw new TypeError(`${service}: bulkhead.maxConcurrent must be an integer ≥ 1, got ${limit.maxConcurrent}`);
      this.bulkhead = bulkhead(limit.maxConcurrent, limit.maxQueued ?? 0);
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
    const { maxConcurrent = 0, maxQueued = 0 } = this.options.bulkhead ?? {};
    if (this.bulkhead === undefined) return { running: 0, queued: 0 };
    return { running: maxConcurrent - this.bulkhead.executionSlots, queued: maxQueued - this.bulkhead.queueSlots };
  }

  guard<T>(source: Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const abort = new AbortController();
      let inner: Subscription | undefined;
      const run = ({ signal }: { signal: AbortSignal }): Promise<Answered> =>
        new Promise<Answered>((resolve, reject) => {
          if (signal.aborted) return reject(CANCELLED);
          const onAbort = () => {
            inner?.unsubscribe();
            reject(CANCELLED);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          const settle = () => signal.removeEventListener('abort', onAbort);
          inner = source.subscribe({
            next: (value) => subscriber.next(value),
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
      const breaker = this.breaker;
      const guarded = breaker === undefined ? run : (ctx: { signal: AbortSignal }) => breaker.execute(run, ctx.signal);
      const outcome = this.bulkhead === undefined ? guarded({ signal: abort.signal }) : this.bulkhead.execute(guarded, abort.signal);
      outcome.then(
        (answered) => ('error' in answered ? subscriber.error(answered.error) : subscriber.complete()),
        (err: unknown) => {
          if (err !== CANCELLED && !abort.signal.aborted) subscriber.error(this.translate(err));
        },
      );
      return () => abort.abort();
    });
  }

  private translate(err: unknown): unknown {
    if (err instanceof BrokenCircuitError) return new CircuitOpenError(this.service, { cause: err });
    if (err instanceof CockatielBulkheadRejectedError) return new BulkheadRejectedError(this.service, this.options.bulkhead?.maxConcurrent ?? 0, this.options.bulkhead?.maxQueued ?? 0, { cause: err });
    return err;
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
