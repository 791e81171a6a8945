import { catchError, of } from 'rxjs';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';
import { FailbackQueue } from './failback-queue';
import { failover } from './failover.strategy';

/** Failover; if it still fails, answer `fallback` now and retry the call in the background (bounded queue). */
export function failbackWith(queue: FailbackQueue) {
  return (invoker: ClusterInvoker, call: ClusterCall) =>
    failover(invoker, call).pipe(
      catchError(() => {
        queue.add(call);
        return of(call.policy.fallback);
      }),
    );
}
