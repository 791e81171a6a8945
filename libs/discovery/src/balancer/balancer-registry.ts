import { PluggableRegistry } from '@nestrpc/common';
import { ConsistentHashBalancer } from './consistent-hash.balancer';
import { LeastActiveBalancer } from './least-active.balancer';
import { BalancerOptions, LoadBalancer } from './load-balancer';
import { P2cBalancer } from './p2c.balancer';
import { RandomBalancer } from './random.balancer';
import { RoundRobinBalancer } from './round-robin.balancer';
import { WeightedRandomBalancer } from './weighted-random.balancer';
import { WeightedLeastRequestBalancer } from './weighted-least-request.balancer';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.balancer';

/** A balancer class; its constructor takes one options object. */
export type BalancerClass<O extends object = BalancerOptions> = new (options?: O) => LoadBalancer;

export type BuiltInBalancerName = 'random' | 'weighted-random' | 'weighted-round-robin' | 'round-robin' | 'least-active' | 'p2c' | 'p2c-ewma' | 'consistent-hash' | 'weighted-least-request' | 'least-request';

/** How configuration names a balancer: a name, a class, a ready instance, or `{ type, options }`. */
export type BalancerLike = BuiltInBalancerName | (string & {}) | BalancerClass | LoadBalancer | { type: string | BalancerClass; options?: object };

/**
 * Default strategy: weighted least request (smooth weighted round robin over weights scaled down
 * by pile-up and slowness): honours weights among healthy instances, avoids slow and stuck ones.
 */
export const DEFAULT_BALANCER: BuiltInBalancerName = 'weighted-least-request';

/**
 * Maps names to balancer classes: the one pluggable registry shape (@nestrpc/common), for
 * balancers. Register your own strategies with `register(name, Class)`.
 */
export class BalancerRegistry extends PluggableRegistry<LoadBalancer, object> {
  constructor() {
    super('balancer', (value: unknown): value is LoadBalancer => value instanceof LoadBalancer);
  }

  /** Builds a fresh balancer (balancers are stateful: one per service range); an instance is used as is. */
  override resolve(spec: BalancerLike | undefined = DEFAULT_BALANCER): LoadBalancer {
    return super.resolve(spec);
  }
}

/** The registry `resolveBalancer` uses, preloaded with every built-in strategy. */
export const balancers = new BalancerRegistry()
  .register('random', RandomBalancer)
  .register('weighted-random', WeightedRandomBalancer)
  .register('weighted-round-robin', WeightedRoundRobinBalancer)
  .register('round-robin', RoundRobinBalancer)
  .register('least-active', LeastActiveBalancer)
  .register('p2c', P2cBalancer)
  .register('p2c-ewma', P2cBalancer)
  .register('consistent-hash', ConsistentHashBalancer)
  .register('weighted-least-request', WeightedLeastRequestBalancer)
  .register('least-request', WeightedLeastRequestBalancer);

/** Resolves `'name' | Class | instance | { type, options }` (default 'weighted-least-request'). */
export function resolveBalancer(spec?: BalancerLike): LoadBalancer {
  return balancers.resolve(spec);
}
