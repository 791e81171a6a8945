import { instance } from '../../../../test/support/instances';
import { InstanceLoad } from './pick-context';
import { WeightedLeastRequestBalancer } from './weighted-least-request.balancer';

function shares(balancer: WeightedLeastRequestBalancer, candidates: ReturnType<typeof instance>[], load: (id: string) => InstanceLoad, picks = 10_000) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const id = balancer.pick(candidates, { stats: load })!.id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([id, n]) => [id, n / picks]));
}

describe('WeightedLeastRequestBalancer', () => {
  it('keeps exact weight shares among healthy instances (in-flight calls in proportion to weight)', () => {
    const balancer = new WeightedLeastRequestBalancer();
    const active: Record<string, number> = { light: 2, heavy: 6 };
    const s = shares(balancer, [instance('light', { weight: 1 }), instance('heavy', { weight: 3 })], (id) => ({ active: active[id], ewmaLatencyMs: 2 }));
    expect(s.heavy).toBeCloseTo(0.75, 2);
  });

  it('spreads evenly when idle and equal, like smooth weighted round robin', () => {
    const balancer = new WeightedLeastRequestBalancer();
    const picks = Array.from({ length: 6 }, () => balancer.pick([instance('a'), instance('b'), instance('c')], {})!.id);
    expect(picks.filter((p) => p === 'a')).toHaveLength(2);
    expect(new Set(picks.slice(0, 3)).size).toBe(3);
  });

  it('gives a 500 ms instance a small share, but never none (a recovered one is noticed)', () => {
    const balancer = new WeightedLeastRequestBalancer();
    const latency: Record<string, number> = { a: 1, b: 1, slow: 500 };
    const s = shares(balancer, [instance('a'), instance('b'), instance('slow')], (id) => ({ active: 0, ewmaLatencyMs: latency[id] }));
    expect(s.slow).toBeLessThan(0.02);
    expect(s.slow).toBeGreaterThan(0);
    expect(Math.abs(s.a - s.b)).toBeLessThan(0.01);
  });

  it('stops feeding an instance that piles up calls (frozen), relative to its weight', () => {
    const balancer = new WeightedLeastRequestBalancer();
    const active: Record<string, number> = { a: 0, b: 0, frozen: 20 };
    const s = shares(balancer, [instance('a'), instance('b'), instance('frozen')], (id) => ({ active: active[id], ewmaLatencyMs: 1 }));
    expect(s.frozen).toBeLessThan(0.03);
  });

  it('ignores sub-millisecond latency noise (floor)', () => {
    const balancer = new WeightedLeastRequestBalancer();
    const latency: Record<string, number> = { a: 0.4, b: 0.9 };
    const s = shares(balancer, [instance('a'), instance('b')], (id) => ({ active: 0, ewmaLatencyMs: latency[id] }));
    expect(s.a).toBeLessThan(0.56);
  });

  it('skips weight 0 and rejects a non-positive latency floor', () => {
    const balancer = new WeightedLeastRequestBalancer();
    for (let i = 0; i < 20; i++) expect(balancer.pick([instance('off', { weight: 0 }), instance('on')])!.id).toBe('on');
    expect(() => new WeightedLeastRequestBalancer({ latencyFloorMs: 0 })).toThrow(RangeError);
  });
});

describe('WeightedLeastRequestBalancer tolerance', () => {
  it('treats instances within 1.5× of the fastest as equal (latency noise under load)', () => {
    const balancer = new WeightedLeastRequestBalancer();
    const latency: Record<string, number> = { a: 6, b: 9 };
    const s = shares(balancer, [instance('a'), instance('b')], (id) => ({ active: 0, ewmaLatencyMs: latency[id] }));
    expect(s.a).toBeCloseTo(0.5, 2);
  });
});
