import { ServiceInstance } from '../instance/service-instance';
import { LoadBalancer } from './load-balancer';
import { loadOf, PickContext } from './pick-context';
import { randomIndex } from './rng';

/**
 * Power of two choices over EWMA latency (as Finagle/Linkerd): draw two distinct candidates at
 * random and take the cheaper, cost = (ewmaLatencyMs + 1) × (active + 1) / weight. Avoids the
 * herding of "always the fastest" while steering away from slow or busy instances.
 */
export class P2cBalancer extends LoadBalancer {
  readonly name: string = 'p2c';


  protected choose(candidates: readonly ServiceInstance[], ctx: PickContext): ServiceInstance {
    const i = randomIndex(this.rng, candidates.length);
    let j = randomIndex(this.rng, candidates.length - 1);
    if (j >= i) j++;
    const a = candidates[i];
    const b = candidates[j];
    return cost(a, ctx) <= cost(b, ctx) ? a : b;
  }
}

function cost(instance: ServiceInstance, ctx: PickContext): number {
  const { active, ewmaLatencyMs } = loadOf(ctx, instance.id);
  return ((ewmaLatencyMs + 1) * (active + 1)) / instance.weight;
}
