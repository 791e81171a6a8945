import { ServiceInstance } from '../instance/service-instance';
import { BalancerOptions, LoadBalancer } from './load-balancer';
import { PickContext } from './pick-context';
import { HashRing, DEFAULT_VIRTUAL_NODES } from './hash-ring';
import { randomIndex } from './rng';

export interface ConsistentHashOptions extends BalancerOptions {
  /** Ring points per unit of weight. Default {@link DEFAULT_VIRTUAL_NODES} (160). */
  virtualNodes?: number;
}

/**
 * Same key → same instance while the instance set is unchanged; when instances join or leave only
 * about 1/n of the keys move. The key comes from the call (`PickContext.key`); calls without a key
 * are spread at random.
 */
export class ConsistentHashBalancer extends LoadBalancer {
  readonly name: string = 'consistent-hash';
  /** Without a key every call would land at random: the client derives one for each call. */
  override readonly requiresRoutingKey = true;
  private readonly virtualNodes: number;
  private ring: HashRing | undefined;
  private ringSignature = '';

  constructor(options: ConsistentHashOptions = {}) {
    super(options);
    this.virtualNodes = options.virtualNodes ?? DEFAULT_VIRTUAL_NODES;
    if (!Number.isInteger(this.virtualNodes) || this.virtualNodes < 1) throw new RangeError(`virtualNodes must be a positive integer, got ${options.virtualNodes}`);
  }

  protected choose(candidates: readonly ServiceInstance[], ctx: PickContext): ServiceInstance {
    if (ctx.key === undefined) return candidates[randomIndex(this.rng, candidates.length)];
    return this.ringFor(candidates).lookup(ctx.key) ?? candidates[0];
  }

  /** The ring is rebuilt only when the set of (id, weight) changes. */
  private ringFor(candidates: readonly ServiceInstance[]): HashRing {
    const signature = candidates
      .map((c) => `${c.id}\u0000${c.weight}`)
      .sort()
      .join('\u0001');
    if (this.ring === undefined || signature !== this.ringSignature) {
      this.ring = new HashRing(candidates, this.virtualNodes);
      this.ringSignature = signature;
    }
    return this.ring;
  }
}
