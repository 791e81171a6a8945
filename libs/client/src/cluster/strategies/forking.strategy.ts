import { Observable, Subscription } from 'rxjs';
import { ServiceInstance } from '@nestrpc/discovery';
import { StrategyRun } from './cluster-strategy';

/**
 * Calls `forks` instances at once and keeps the first to answer (the others are cancelled).
 * Fails only if every fork fails. Trades load for tail latency on critical reads.
 */
export const forking: StrategyRun = (invoker, call) =>
  new Observable<unknown>((subscriber) => {
    const chosen: ServiceInstance[] = [];
    const tried = new Set<string>();
    try {
      while (chosen.length < Math.max(1, call.policy.forks)) {
        const instance = invoker.pick(call, tried);
        tried.add(instance.id);
        chosen.push(instance);
      }
    } catch (noneLeft) {
      if (chosen.length === 0) {
        subscriber.error(noneLeft);
        return undefined;
      }
    }
    const subscriptions: Subscription[] = [];
    let winner = -1;
    let failures = 0;
    chosen.forEach((instance, index) => {
      subscriptions[index] = invoker.attempt(instance, call).subscribe({
        next: (value) => {
          if (winner === -1) {
            winner = index;
            subscriptions.forEach((s, i) => i !== index && s?.unsubscribe());
          }
          if (winner === index) subscriber.next(value);
        },
        error: (err: unknown) => {
          if (winner === index || (winner === -1 && ++failures === chosen.length)) subscriber.error(err);
        },
        complete: () => {
          if (winner === -1) winner = index;
          if (winner === index) {
            subscriptions.forEach((s, i) => i !== index && s?.unsubscribe());
            subscriber.complete();
          }
        },
      });
    });
    return () => subscriptions.forEach((s) => s?.unsubscribe());
  });
