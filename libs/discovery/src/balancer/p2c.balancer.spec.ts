import { instance } from '../../../../test/support/instances';
import { P2cBalancer } from './p2c.balancer';
import { mulberry32 } from './rng';

describe('P2cBalancer', () => {
  it('with two candidates always takes the cheaper one', () => {
    const balancer = new P2cBalancer({ rng: mulberry32(1) });
    const load = (id: string) => ({ active: 0, ewmaLatencyMs: id === 'slow' ? 200 : 5 });
    for (let i = 0; i < 200; i++) expect(balancer.pick([instance('slow'), instance('fast')], { stats: load })!.id).toBe('fast');
  });

  it('steers traffic away from a slow instance without starving the middle ones', () => {
    const balancer = new P2cBalancer({ rng: mulberry32(2) });
    const latency: Record<string, number> = { a: 10, b: 10, c: 10, slow: 500 };
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, slow: 0 };
    const candidates = Object.keys(latency).map((id) => instance(id));
    for (let i = 0; i < 10_000; i++) counts[balancer.pick(candidates, { stats: (id) => ({ active: 0, ewmaLatencyMs: latency[id] }) })!.id]++;
    // The slow one only wins when drawn twice, which p2c never does: it is never picked.
    expect(counts.slow).toBe(0);
    for (const id of ['a', 'b', 'c']) expect(Math.abs(counts[id] / 10_000 - 1 / 3)).toBeLessThanOrEqual(0.02);
  });

  it('counts in-flight calls and weight in the cost', () => {
    const balancer = new P2cBalancer({ rng: mulberry32(3) });
    const busy = (id: string) => ({ active: id === 'a' ? 9 : 0, ewmaLatencyMs: 10 });
    expect(balancer.pick([instance('a'), instance('b')], { stats: busy })!.id).toBe('b');
    const same = () => ({ active: 2, ewmaLatencyMs: 10 });
    expect(balancer.pick([instance('a', { weight: 1 }), instance('b', { weight: 4 })], { stats: same })!.id).toBe('b');
  });

  it('treats instances without stats as idle, and accepts stats in function form', () => {
    const balancer = new P2cBalancer({ rng: mulberry32(4) });
    const picked = balancer.pick([instance('a'), instance('b')], { stats: (id: string) => ({ active: id === 'a' ? 3 : 0, ewmaLatencyMs: 0 }) });
    expect(picked!.id).toBe('b');
    expect(['a', 'b']).toContain(balancer.pick([instance('a'), instance('b')])!.id);
  });
});
