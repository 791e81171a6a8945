import { instance } from '../../../../test/support/instances';
import { mulberry32 } from './rng';
import { WeightedRandomBalancer } from './weighted-random.balancer';

function shares(picks: number, pick: () => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < picks; i++) {
    const id = pick();
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return new Map([...counts].map(([id, n]) => [id, n / picks]));
}

describe('WeightedRandomBalancer', () => {
  it.each([1, 2, 3])('gives weights 1:3 a 25/75 split ±2%% over 10 000 picks (seed %i)', (seed) => {
    const balancer = new WeightedRandomBalancer({ rng: mulberry32(seed) });
    const candidates = [instance('a', { weight: 1 }), instance('b', { weight: 3 })];
    const split = shares(10_000, () => balancer.pick(candidates)!.id);
    expect(split.get('a')).toBeCloseTo(0.25, 1);
    expect(Math.abs(split.get('a')! - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(split.get('b')! - 0.75)).toBeLessThanOrEqual(0.02);
  });

  it('follows fractional weights 0.5:1:2.5 within ±2%', () => {
    const balancer = new WeightedRandomBalancer({ rng: mulberry32(42) });
    const split = shares(10_000, () => balancer.pick([instance('a', { weight: 0.5 }), instance('b', { weight: 1 }), instance('c', { weight: 2.5 })])!.id);
    expect(Math.abs(split.get('a')! - 0.125)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(split.get('b')! - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(split.get('c')! - 0.625)).toBeLessThanOrEqual(0.02);
  });

  it('never picks weight 0 and returns undefined when every weight is 0', () => {
    const balancer = new WeightedRandomBalancer({ rng: mulberry32(7) });
    const split = shares(2_000, () => balancer.pick([instance('a', { weight: 0 }), instance('b', { weight: 1 }), instance('c', { weight: 1 })])!.id);
    expect(split.has('a')).toBe(false);
    expect(balancer.pick([instance('a', { weight: 0 }), instance('b', { weight: 0 })])).toBeUndefined();
    expect(balancer.pick([])).toBeUndefined();
  });

  it('is reproducible with the same seed', () => {
    const candidates = [instance('a', { weight: 1 }), instance('b', { weight: 2 }), instance('c', { weight: 3 })];
    const run = () => {
      const balancer = new WeightedRandomBalancer({ rng: mulberry32(99) });
      return Array.from({ length: 50 }, () => balancer.pick(candidates)!.id).join('');
    };
    expect(run()).toBe(run());
  });
});
