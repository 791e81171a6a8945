import { DEFAULT_CALL_TIMEOUT_MS, RpcTimeoutError } from '@nestrpc/transport';
import { Observable, Subscription } from 'rxjs';
import { isRetrySafe } from '../call-errors';
import { ClusterStrategy } from './cluster-strategy';

/**
 * Tries another instance when an attempt fails in a way that is safe to retry (the request was
 * not run, or the method is idempotent), up to `retries` extra attempts, while the retry
 * budget allows, and only before any value reached the caller. The call's timeout bounds all
 * attempts together: each retry carries (and sends to the server) only the time that is left.
 */
export const failover: ClusterStrategy = (invoker, call) =>
  new Observable<unknown>((subscriber) => {
    const tried = new Set<string>();
    let current: Subscription | undefined;
    let emitted = false;
    let lastError: unknown;
    invoker.budget.onCall();
    const timeoutMs = call.policy.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;

    const attempt = (): void => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        subscriber.error(lastError ?? new RpcTimeoutError(call.pattern, timeoutMs));
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
      const bounded = deadline === Infinity ? call : { ...call, policy: { ...call.policy, timeoutMs: Math.ceil(remaining) } };
      current = invoker.attempt(instance, bounded).subscribe({
        next: (value) => {
          emitted = true;
          subscriber.next(value);
        },
        error: (err: unknown) => {
          const again = !emitted && tried.size <= call.policy.retries && isRetrySafe(err, call.policy.idempotent) && invoker.budget.tryRetry();
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
