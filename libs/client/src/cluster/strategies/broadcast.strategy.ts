import { catchError, defer, forkJoin, last, map, of } from 'rxjs';
import { StrategyRun } from './cluster-strategy';

/**
 * Calls every healthy instance and waits for all. Answers the list of results (one per
 * instance, in instance order); if any failed, fails with the first error once all are done.
 * For cache invalidation and config pushes.
 */
export const broadcast: StrategyRun = (invoker, call) =>
  defer(() => {
    const everyone = invoker.everyone();
    const outcomes = everyone.map((instance) =>
      invoker.attempt(instance, call).pipe(
        last(undefined, undefined),
        map((value) => ({ ok: true as const, value })),
        catchError((error: unknown) => of({ ok: false as const, error })),
      ),
    );
    return forkJoin(outcomes).pipe(
      map((results) => {
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
        return results.map((r) => (r.ok ? r.value : undefined));
      }),
    );
  });
