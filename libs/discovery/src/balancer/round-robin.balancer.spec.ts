import { instance } from '../../../../test/support/instances';
import { RoundRobinBalancer } from './round-robin.balancer';

describe('RoundRobinBalancer', () => {
  it('rotates in id order whatever order the candidates come in', () => {
    const balancer = new RoundRobinBalancer();
    const picks = [
      balancer.pick([instance('c'), instance('a'), instance('b')])!.id,
      balancer.pick([instance('b'), instance('c'), instance('a')])!.id,
      balancer.pick([instance('a'), instance('b'), instance('c')])!.id,
      balancer.pick([instance('a'), instance('b'), instance('c')])!.id,
    ];
    expect(picks).toEqual(['a', 'b', 'c', 'a']);
  });

  it('gives each of 3 instances exactly a third of 9 999 picks, ignoring weights but not weight 0', () => {
    const balancer = new RoundRobinBalancer();
    const candidates = [instance('a', { weight: 1 }), instance('b', { weight: 9 }), instance('c', { weight: 1 }), instance('z', { weight: 0 })];
    const counts: Record<string, number> = {};
    for (let i = 0; i < 9_999; i++) {
      const id = balancer.pick(candidates)!.id;
      counts[id] = (counts[id] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 3_333, b: 3_333, c: 3_333 });
  });
});
