import { ServiceInstance } from '../instance/service-instance';
import { LoadBalancer } from './load-balancer';

/**
 * Smooth weighted round robin, as in nginx: each pick adds every weight to its instance's current
 * value, takes the highest and subtracts the total from it. Weights 5:1:1 give a a b a c a a
 * (spread out, not a a a a a b c). Deterministic; state is kept per instance id.
 */
export class WeightedRoundRobinBalancer extends LoadBalancer {
  readonly name: string = 'weighted-round-robin';
  private current = new Map<string, number>();

  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    if (this.current.size > candidates.length * 2) this.prune(candidates);
    let total = 0;
    let best: ServiceInstance | undefined;
    let bestValue = -Infinity;
    for (const c of candidates) {
      const value = (this.current.get(c.id) ?? 0) + c.weight;
      this.current.set(c.id, value);
      total += c.weight;
      if (value > bestValue) {
        best = c;
        bestValue = value;
      }
    }
    const chosen = best ?? candidates[0];
    this.current.set(chosen.id, bestValue - total);
    return chosen;
  }

  /** Forgets departed instances so the map does not grow with churn. */
  private prune(candidates: readonly ServiceInstance[]): void {
    const live = new Set(candidates.map((c) => c.id));
    for (const id of this.current.keys()) if (!live.has(id)) this.current.delete(id);
  }
}
