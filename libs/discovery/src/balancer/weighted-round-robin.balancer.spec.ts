import { instance } from '../../../../test/support/instances';
import { WeightedRoundRobinBalancer } from './weighted-round-robin.balancer';

describe('WeightedRoundRobinBalancer (smooth, nginx)', () => {
  it('produces nginx\'s smooth sequence for weights 5:1:1', () => {
    const balancer = new WeightedRoundRobinBalancer();
    const candidates = [instance('a', { weight: 5 }), instance('b', { weight: 1 }), instance('c', { weight: 1 })];
    const seq = Array.from({ length: 14 }, () => balancer.pick(candidates)!.id).join(' ');
    expect(seq).toBe('a a b a c a a a a b a c a a');
  });

  it('gives weights 1:3 exactly 25/75 over 10 000 picks, never two "a" in a row', () => {
    const balancer = new WeightedRoundRobinBalancer();
    const candidates = [instance('a', { weight: 1 }), instance('b', { weight: 3 })];
    const picks = Array.from({ length: 10_000 }, () => balancer.pick(candidates)!.id);
    expect(picks.filter((id) => id === 'a')).toHaveLength(2_500);
    expect(picks.join('')).not.toContain('aa');
  });

  it('adapts when weights change and instances join or leave', () => {
    const balancer = new WeightedRoundRobinBalancer();
    for (let i = 0; i < 7; i++) balancer.pick([instance('a', { weight: 1 }), instance('b', { weight: 1 })]);
    const next = [instance('a', { weight: 1 }), instance('b', { weight: 0 }), instance('c', { weight: 3 })];
    const picks = Array.from({ length: 400 }, () => balancer.pick(next)!.id);
    expect(picks.filter((id) => id === 'b')).toHaveLength(0);
    expect(Math.abs(picks.filter((id) => id === 'c').length - 300)).toBeLessThanOrEqual(1);
  });

  it('returns undefined when no candidate takes traffic', () => {
    expect(new WeightedRoundRobinBalancer().pick([instance('a', { weight: 0 })])).toBeUndefined();
  });
});
