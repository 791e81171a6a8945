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

/** Maps names to balancer classes. Register your own strategies with `register(name, Class)`. */
export class BalancerRegistry {
  private readonly classes = new Map<string, BalancerClass<object>>();

  register(name: string, type: BalancerClass<object>): this {
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError('Balancer name must be a non-empty string');
    this.classes.set(name, type);
    return this;
  }

  has(name: string): boolean {
    return this.classes.has(name);
  }

  names(): string[] {
    return [...this.classes.keys()];
  }

  /** Builds a fresh balancer (balancers are stateful: one per service range). */
  resolve(spec: BalancerLike | undefined = DEFAULT_BALANCER): LoadBalancer {
    if (spec instanceof LoadBalancer) return spec;
    if (typeof spec === 'string') return new (this.classOf(spec))();
    if (typeof spec === 'function') return new spec();
    if (spec !== null && typeof spec === 'object' && 'type' in spec) {
      const type = typeof spec.type === 'string' ? this.classOf(spec.type) : spec.type;
      if (typeof type !== 'function') throw new TypeError(`Balancer type must be a name or a class, got ${String(type)}`);
      return new type(spec.options ?? {});
    }
    throw new TypeError(`Cannot resolve a balancer from ${JSON.stringify(spec)}: use a name (${this.names().join(', ')}), a class or { type, options }`);
  }

  private classOf(name: string): BalancerClass<object> {
    const type = this.classes.get(name);
    if (type === undefined) throw new TypeError(`Unknown balancer "${name}"; known: ${this.names().join(', ')}`);
    return type;
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
