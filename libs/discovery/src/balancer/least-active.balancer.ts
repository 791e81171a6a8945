import { ServiceInstance } from '../instance/service-instance';
import { LoadBalancer } from './load-balancer';
import { loadOf, PickContext } from './pick-context';
import { pickWeighted } from './weighted-random.balancer';

/** Fewest calls in flight wins; ties are broken by weighted random (as Dubbo's leastactive). */
export class LeastActiveBalancer extends LoadBalancer {
  readonly name: string = 'least-active';


  protected choose(candidates: readonly ServiceInstance[], ctx: PickContext): ServiceInstance {
    let least = Infinity;
    let tied: ServiceInstance[] = [];
    for (const c of candidates) {
      const active = loadOf(ctx, c.id).active;
      if (active < least) {
        least = active;
        tied = [c];
      } else if (active === least) {
        tied.push(c);
      }
    }
    return tied.length === 1 ? tied[0] : pickWeighted(tied, this.rng);
  }
}
