import { ServiceInstance } from '../instance/service-instance';
import { LoadBalancer } from './load-balancer';
import { Rng } from './rng';

/** Random in proportion to weight: weights 1:3 get 25 % / 75 % of picks. Stateless. */
export class WeightedRandomBalancer extends LoadBalancer {
  readonly name: string = 'weighted-random';


  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    return pickWeighted(candidates, this.rng);
  }
}

/** Weighted draw among candidates (all weights > 0). */
export function pickWeighted(candidates: readonly ServiceInstance[], rng: Rng): ServiceInstance {
  let total = 0;
  for (const c of candidates) total += c.weight;
  let point = rng() * total;
  for (const c of candidates) {
    point -= c.weight;
    if (point < 0) return c;
  }
  return candidates[candidates.length - 1];
}
