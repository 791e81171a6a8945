import { normalizeInstance } from '../instance/normalize-instance';
import { RandomBalancer } from './random.balancer';
import { mulberry32 } from './rng';

const inst = (id: string, weight = 1) => normalizeInstance({ id, service: 'Svc', version: '1.0.0', host: '127.0.0.1', port: 4000, weight });

describe('RandomBalancer', () => {
  it('spreads 10 000 picks evenly over 4 instances (±2%), ignoring weights', () => {
    const balancer = new RandomBalancer({ rng: mulberry32(1) });
    const candidates = [inst('a', 1), inst('b', 5), inst('c', 1), inst('d', 10)];
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
    expect(balancer.pick([inst('a', 0), inst('b')])!.id).toBe('b');
    expect(draws).toBe(0);
    expect(balancer.pick([inst('a', 0)])).toBeUndefined();
  });
});
