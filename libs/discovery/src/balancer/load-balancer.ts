import { ServiceInstance } from '../instance/service-instance';
import { PickContext } from './pick-context';
import { Rng } from './rng';

/** Options every built-in strategy accepts. */
export interface BalancerOptions {
  /** Random source (default Math.random). Inject `mulberry32(seed)` for reproducible picks. */
  rng?: Rng;
}

/**
 * A load-balancing strategy: healthy candidates and call stats in, one instance out. Strategies do
 * no I/O. Instances with weight 0 are never picked for new traffic; when no candidate has a
 * positive weight, `pick` returns undefined and the caller reports NoProvidersError.
 */
export abstract class LoadBalancer {
  /** The registry name, e.g. 'weighted-round-robin'. */
  abstract readonly name: string;
  /**
   * The balancer picks by `PickContext.key`: callers derive a routing key for every call (the
   * call's `hashKey`, else its first argument) instead of leaving it unset. Default false.
   */
  readonly requiresRoutingKey: boolean = false;
  /** Random source of the strategies that draw (injectable for reproducible tests). */
  protected readonly rng: Rng;

  constructor(options: BalancerOptions = {}) {
    this.rng = options.rng ?? Math.random;
  }

  pick(candidates: readonly ServiceInstance[], ctx: PickContext = {}): ServiceInstance | undefined {
    const eligible = candidates.filter((c) => c.weight > 0);
    if (eligible.length === 0) return undefined;
    if (eligible.length === 1) return eligible[0];
    return this.choose(eligible, ctx);
  }

  /** Called with at least two candidates, all with weight > 0. */
  protected abstract choose(candidates: readonly ServiceInstance[], ctx: PickContext): ServiceInstance;
}
