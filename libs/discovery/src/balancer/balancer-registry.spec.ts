import { ServiceInstance } from '../instance/service-instance';
import { BalancerRegistry, resolveBalancer } from './balancer-registry';
import { ConsistentHashBalancer } from './consistent-hash.balancer';
import { LoadBalancer } from './load-balancer';
import { P2cBalancer } from './p2c.balancer';
import { WeightedLeastRequestBalancer } from './weighted-least-request.balancer';

class FirstBalancer extends LoadBalancer {
  readonly name = 'first';
  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    return candidates[0];
  }
}

describe('resolveBalancer', () => {
  it.each(['random', 'weighted-random', 'weighted-round-robin', 'round-robin', 'least-active', 'p2c', 'consistent-hash', 'weighted-least-request'])('resolves %s by name', (name) => {
    expect(resolveBalancer(name).name).toBe(name);
  });

  it('defaults to the load-aware weighted least request and resolves the p2c-ewma and least-request aliases', () => {
    expect(resolveBalancer()).toBeInstanceOf(WeightedLeastRequestBalancer);
    expect(resolveBalancer('least-request')).toBeInstanceOf(WeightedLeastRequestBalancer);
    expect(resolveBalancer('p2c-ewma')).toBeInstanceOf(P2cBalancer);
  });

  it('builds a fresh instance per call (strategies keep per-range state)', () => {
    expect(resolveBalancer('round-robin')).not.toBe(resolveBalancer('round-robin'));
  });

  it('accepts a class, an instance and { type, options }', () => {
    expect(resolveBalancer(FirstBalancer)).toBeInstanceOf(FirstBalancer);
    const ready = new FirstBalancer();
    expect(resolveBalancer(ready)).toBe(ready);
    const ring = resolveBalancer({ type: 'consistent-hash', options: { virtualNodes: 8 } });
    expect(ring).toBeInstanceOf(ConsistentHashBalancer);
    expect(resolveBalancer({ type: FirstBalancer })).toBeInstanceOf(FirstBalancer);
  });

  it('names the known strategies when a name is unknown', () => {
    expect(() => resolveBalancer('fastest')).toThrow(/Unknown balancer "fastest"; known: random, weighted-random/);
    expect(() => resolveBalancer({ type: 'nope' })).toThrow(/Unknown balancer "nope"/);
  });

  it('lets applications register their own strategies', () => {
    const registry = new BalancerRegistry().register('first', FirstBalancer);
    expect(registry.has('first')).toBe(true);
    expect(registry.resolve('first')).toBeInstanceOf(FirstBalancer);
    expect(() => registry.register('', FirstBalancer)).toThrow(TypeError);
  });
});
