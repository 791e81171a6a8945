import { DEFAULT_CALL_TIMEOUT_MS } from '@nestrpc/transport';
import { catchError, throwError } from 'rxjs';
import { DEFAULT_FAILBACK_ATTEMPTS, DEFAULT_FAILBACK_QUEUE_SIZE } from '../../constants';
import { fallbackAnswer } from '../../resilience/fallback';
import { isRetrySafe } from '../call-errors';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';
import { ClusterStrategy, ClusterStrategyOptions } from './cluster-strategy';
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

/** `cluster: 'failback'` as a pluggable: one background queue per invoker, closed with the strategy. */
export class FailbackStrategy implements ClusterStrategy {
  readonly name: string = 'failback';
  private readonly queues = new Map<ClusterInvoker, FailbackQueue>();

  constructor(private readonly options: ClusterStrategyOptions = {}) {}

  invoke(invoker: ClusterInvoker, call: ClusterCall) {
    let queue = this.queues.get(invoker);
    if (queue === undefined) {
      queue = new FailbackQueue(invoker, DEFAULT_FAILBACK_QUEUE_SIZE, DEFAULT_FAILBACK_ATTEMPTS, this.options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
      this.queues.set(invoker, queue);
    }
    return failbackWith(queue)(invoker, call);
  }

  close(): void {
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
  }
}
