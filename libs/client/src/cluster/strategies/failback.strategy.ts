import { catchError, throwError } from 'rxjs';
import { fallbackAnswer } from '../../resilience/fallback';
import { isRetrySafe } from '../call-errors';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';
import { FailbackQueue } from './failback-queue';
import { failover } from './failover.strategy';

/**
 * Failover; if it still fails in a way that is safe to run again (never written, or the call
 * is idempotent), answer `fallback` now and retry the call in the background (bounded queue).
 * A handler's domain error reaches the caller unchanged, and so does a failure after which a
 * non-idempotent call may have run: retrying those would run it twice.
 */
export function failbackWith(queue: FailbackQueue) {
  return (invoker: ClusterInvoker, call: ClusterCall) =>
    failover(invoker, call).pipe(
      catchError((err: unknown) => {
        // isRetrySafe is false for a handler's error (its payload) and for RemoteError.
        if (!isRetrySafe(err, call.options.idempotent) || !queue.add(call)) return throwError(() => err);
        return fallbackAnswer(call.policy.fallback, err, call.data);
      }),
    );
}
