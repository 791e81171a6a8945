import { defer, from, isObservable, Observable, of, throwError } from 'rxjs';
import { isGuardRefusal } from './service-guard';
import { RpcFallback } from './resilience.options';

/** The answer a fallback gives for `error`: a function's result, or the static value itself. */
export function fallbackAnswer(fallback: unknown, error: unknown, args: unknown): Observable<unknown> {
  if (typeof fallback !== 'function') return of(fallback);
  return defer(() => {
    const result = (fallback as RpcFallback)(error, args);
    if (isObservable(result)) return result;
    return from(Promise.resolve(result));
  });
}

/**
 * What the cluster client does with a logical call's error, outside the strategy (undefined:
 * nothing, the error goes to the caller). failsafe and failback answer their fallback
 * themselves for what reached the instances, so here they only see the guard's refusals
 * (circuit open, bulkhead full): failsafe swallows those too; failback answers only a fallback
 * function (the refused call is not queued, so a static answer would hide its loss). Every other
 * strategy hands any error to a fallback function.
 */
export function fallbackHandler(strategy: string | undefined, fallback: unknown, guarded: boolean): ((error: unknown, args: unknown) => Observable<unknown>) | undefined {
  const isFunction = typeof fallback === 'function';
  if (strategy === 'failsafe' || strategy === 'failback') {
    if (!guarded || (strategy === 'failback' && !isFunction)) return undefined;
    return (error, args) => (isGuardRefusal(error) ? fallbackAnswer(fallback, error, args) : throwError(() => error));
  }
  return isFunction ? (error, args) => fallbackAnswer(fallback, error, args) : undefined;
}
