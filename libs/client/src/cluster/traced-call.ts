import type { LogicalCallProbe } from '@nestrpc/transport';
import { Observable } from 'rxjs';
import { ClusterCall } from './cluster-invoker';

/**
 * Runs a cluster strategy under a logical-call probe: its span is active while the strategy
 * subscribes (so attempts are its children) and ends once with the call's outcome, or on
 * unsubscribe.
 */
export function traced<T>(probe: LogicalCallProbe, call: ClusterCall, run: (call: ClusterCall) => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let ended = false;
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      probe.end(error);
    };
    const subscribe = () =>
      run(call).subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => {
          end(err);
          subscriber.error(err);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      });
    const subscription = probe.run === undefined ? subscribe() : probe.run(subscribe);
    return () => {
      subscription.unsubscribe();
      end();
    };
  });
}
