import { instance } from '../../../../test/support/instances';
import { InstanceStats } from './instance-stats';
import { LeastActiveBalancer } from './least-active.balancer';
import { mulberry32 } from './rng';

describe('LeastActiveBalancer', () => {
  it('picks the instance with the fewest calls in flight', () => {
    const stats = new InstanceStats();
    stats.begin('a');
    stats.begin('a');
    stats.begin('c');
    const balancer = new LeastActiveBalancer({ rng: mulberry32(3) });
    for (let i = 0; i < 100; i++) expect(balancer.pick([instance('a'), instance('b'), instance('c')], { stats })!.id).toBe('b');
  });

  it('breaks ties by weight (1:3 → 25/75 ±2% over 10 000 picks)', () => {
    const balancer = new LeastActiveBalancer({ rng: mulberry32(11) });
    const candidates = [instance('a', { weight: 1 }), instance('b', { weight: 3 }), instance('busy', { weight: 9 })];
    const load = (id: string) => ({ active: id === 'busy' ? 5 : 1, ewmaLatencyMs: 0 });
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (balancer.pick(candidates, { stats: load })!.id === 'a') a++;
    expect(Math.abs(a / 10_000 - 0.25)).toBeLessThanOrEqual(0.02);
  });

  it('balances in-flight calls when fed by InstanceStats', () => {
    const stats = new InstanceStats();
    const balancer = new LeastActiveBalancer({ rng: mulberry32(5) });
    const candidates = [instance('a'), instance('b'), instance('c')];
    for (let i = 0; i < 30; i++) stats.begin(balancer.pick(candidates, { stats })!.id);
    expect(candidates.map((c) => stats.get(c.id).active)).toEqual([10, 10, 10]);
  });
});
