import { instance } from '../../../../test/support/instances';
import { RandomBalancer } from './random.balancer';
import { mulberry32 } from './rng';

describe('RandomBalancer', () => {
  it('spreads 10 000 picks evenly over 4 instances (±2%), ignoring weights', () => {
    const balancer = new RandomBalancer({ rng: mulberry32(1) });
    const candidates = [instance('a', { weight: 1 }), instance('b', { weight: 5 }), instance('c', { weight: 1 }), instance('d', { weight: 10 })];
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const id = balancer.pick(candidates)!.id;
      counts[id] = (counts[id] ?? 0) + 1;
    }
    for (const id of ['a', 'b', 'c', 'd']) expect(Math.abs(counts[id] / 10_000 - 0.25)).toBeLessThanOrEqual(0.02);
  });

  it('skips weight 0 and returns the only candidate without drawing', () => {
    let draws = 0;
    const balancer = new RandomBalancer({ rng: () => (draws++, 0.99) });
    expect(balancer.pick([instance('a', { weight: 0 }), instance('b')])!.id).toBe('b');
    expect(draws).toBe(0);
    expect(balancer.pick([instance('a', { weight: 0 })])).toBeUndefined();
  });
});
