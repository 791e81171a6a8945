import { ServiceInstance } from '../instance/service-instance';
import { LoadBalancer } from './load-balancer';
import { randomIndex } from './rng';

/** Uniform random, ignoring weights (beyond skipping weight 0). */
export class RandomBalancer extends LoadBalancer {
  readonly name: string = 'random';


  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    return candidates[randomIndex(this.rng, candidates.length)];
  }
}
