import { NoProvidersError, ServiceInstance } from '@nestrpc/discovery';
import { Observable } from 'rxjs';
import { instance } from '../../../../../test/support/instances';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';
import { RetryBudget } from '../retry-budget';

/** What a fake attempt does: answer, fail, or stay pending (the test drives it). */
export type FakeBehaviour = (instance: ServiceInstance, attempt: number) => Observable<unknown>;

/** A ClusterInvoker stand-in for strategy specs: fixed instances, scripted attempts, recorded calls. */
export class FakeInvoker {
  readonly instances: ServiceInstance[];
  readonly attempts: string[] = [];
  readonly cancelled: string[] = [];
  readonly budget: RetryBudget;

  constructor(
    ids: string[],
    private readonly behaviour: FakeBehaviour,
    budget = new RetryBudget(),
  ) {
    this.instances = ids.map((id) => instance(id, { service: 'Svc', port: 1 }));
    this.budget = budget;
  }

  pick(_call: ClusterCall, exclude: ReadonlySet<string> = new Set()): ServiceInstance {
    const left = this.instances.filter((i) => !exclude.has(i.id));
    if (left.length === 0) throw new NoProvidersError('Svc', '*', 'all tried');
    return left[0];
  }

  everyone(): ServiceInstance[] {
    return this.instances;
  }

  attempt(instance: ServiceInstance): Observable<unknown> {
    return new Observable((subscriber) => {
      this.attempts.push(instance.id);
      let settled = false;
      const subscription = this.behaviour(instance, this.attempts.length).subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => {
          settled = true;
          subscriber.error(err);
        },
        complete: () => {
          settled = true;
          subscriber.complete();
        },
      });
      return () => {
        if (!settled) this.cancelled.push(instance.id);
        subscription.unsubscribe();
      };
    });
  }

  asInvoker(): ClusterInvoker {
    return this as unknown as ClusterInvoker;
  }
}

/** A call as the client would resolve it. */
export function fakeCall(options: Partial<ClusterCall['options']> = {}, policy: Partial<ClusterCall['policy']> = {}): ClusterCall {
  return {
    pattern: 'Svc.run',
    data: [],
    policy: { forks: 2, ...policy },
    options: { deadline: Date.now() + 5_000, idempotent: false, retries: 2, headers: undefined, traceparent: undefined, tracestate: undefined, key: undefined, ...options },
  };
}
