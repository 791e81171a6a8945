import { instance } from '../../../../test/support/instances';
import { ServiceInstance } from '../instance/service-instance';
import { ConsistentHashBalancer } from './consistent-hash.balancer';
import { mulberry32 } from './rng';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function assign(balancer: ConsistentHashBalancer, candidates: ServiceInstance[]): Map<string, string> {
  return new Map(KEYS.map((key) => [key, balancer.pick(candidates, { key })!.id]));
}

describe('ConsistentHashBalancer', () => {
  const five = ['n1', 'n2', 'n3', 'n4', 'n5'].map((id) => instance(id));

  it('maps the same key to the same instance, in any process and candidate order', () => {
    const first = assign(new ConsistentHashBalancer(), five);
    const second = assign(new ConsistentHashBalancer(), [...five].reverse());
    expect(second).toEqual(first);
  });

  it('spreads keys over the instances (each 20% ±5% with 160 virtual nodes)', () => {
    const counts: Record<string, number> = {};
    for (const id of assign(new ConsistentHashBalancer(), five).values()) counts[id] = (counts[id] ?? 0) + 1;
    for (const c of five) expect(Math.abs(counts[c.id] / KEYS.length - 0.2)).toBeLessThanOrEqual(0.05);
  });

  it('moves only the keys the new instance takes over when one joins (~1/6)', () => {
    const balancer = new ConsistentHashBalancer();
    const before = assign(balancer, five);
    const after = assign(balancer, [...five, instance('n6')]);
    const moved = KEYS.filter((k) => before.get(k) !== after.get(k));
    expect(moved.every((k) => after.get(k) === 'n6')).toBe(true);
    expect(Math.abs(moved.length / KEYS.length - 1 / 6)).toBeLessThanOrEqual(0.05);
  });

  it('moves only the departed instance\'s keys when one leaves', () => {
    const balancer = new ConsistentHashBalancer();
    const before = assign(balancer, five);
    const after = assign(balancer, five.filter((c) => c.id !== 'n3'));
    const moved = KEYS.filter((k) => before.get(k) !== after.get(k));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((k) => before.get(k) === 'n3')).toBe(true);
    expect(KEYS.filter((k) => before.get(k) === 'n3').every((k) => after.get(k) !== 'n3')).toBe(true);
  });

  it('gives a weight-3 instance about three times the keys of a weight-1 one', () => {
    const counts: Record<string, number> = {};
    for (const id of assign(new ConsistentHashBalancer(), [instance('light', { weight: 1 }), instance('heavy', { weight: 3 })]).values()) counts[id] = (counts[id] ?? 0) + 1;
    expect(Math.abs(counts.heavy / KEYS.length - 0.75)).toBeLessThanOrEqual(0.05);
  });

  it('never routes a key to weight 0, and spreads key-less calls at random', () => {
    const balancer = new ConsistentHashBalancer({ rng: mulberry32(8) });
    const mapping = assign(balancer, [instance('a'), instance('b', { weight: 0 }), instance('c')]);
    expect([...mapping.values()]).not.toContain('b');
    const seen = new Set(Array.from({ length: 200 }, () => balancer.pick([instance('a'), instance('c')])!.id));
    expect(seen).toEqual(new Set(['a', 'c']));
  });

  it('rejects a non-positive virtual node count', () => {
    expect(() => new ConsistentHashBalancer({ virtualNodes: 0 })).toThrow(RangeError);
  });
});
