import { rpcInstrumentation, RpcTimeoutError } from '@nestrpc/transport';
import { Observable, Subscription } from 'rxjs';
import { isRetrySafe } from '../call-errors';
import { StrategyRun } from './cluster-strategy';

/**
 * Tries another instance when an attempt fails in a way that is safe to retry (the request was
 * not run, or the call is idempotent), up to `retries` extra attempts, while the retry budget
 * allows, and only before any value reached the caller. One absolute deadline bounds all
 * attempts: each carries it unchanged, so it sends the server only the time that is left.
 */
export const failover: StrategyRun = (invoker, call) =>
  new Observable<unknown>((subscriber) => {
    const tried = new Set<string>();
    let current: Subscription | undefined;
    let emitted = false;
    let lastError: unknown;
    const { deadline, retries, idempotent } = call.options;
    invoker.budget.onCall();

    const attempt = (): void => {
      if (deadline !== undefined && deadline - Date.now() <= 0) {
        subscriber.error(lastError ?? new RpcTimeoutError(call.pattern, 0));
        return;
      }
      let instance;
      try {
        instance = invoker.pick(call, tried);
      } catch (noneLeft) {
        subscriber.error(lastError ?? noneLeft);
        return;
      }
      tried.add(instance.id);
      current = invoker.attempt(instance, call).subscribe({
        next: (value) => {
          emitted = true;
          subscriber.next(value);
        },
        error: (err: unknown) => {
          const wanted = !emitted && tried.size <= retries && isRetrySafe(err, idempotent);
          const again = wanted && invoker.budget.tryRetry();
          if (wanted && !again) rpcInstrumentation()?.cluster?.({ type: 'retry-budget-exhausted', service: invoker.service });
          if (!again) return subscriber.error(err);
          lastError = err;
          attempt();
        },
        complete: () => subscriber.complete(),
      });
    };

    attempt();
    return () => current?.unsubscribe();
  });
