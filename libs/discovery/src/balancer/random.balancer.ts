import { ServiceInstance } from '../instance/service-instance';
import { BalancerOptions, LoadBalancer } from './load-balancer';
import { randomIndex, Rng } from './rng';

/** Uniform random, ignoring weights (beyond skipping weight 0). */
export class RandomBalancer extends LoadBalancer {
  readonly name: string = 'random';
  private readonly rng: Rng;

  constructor(options: BalancerOptions = {}) {
    super();
    this.rng = options.rng ?? Math.random;
  }

  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    return candidates[randomIndex(this.rng, candidates.length)];
  }
}
