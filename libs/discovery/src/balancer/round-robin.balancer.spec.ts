import { normalizeInstance } from '../instance/normalize-instance';
import { RoundRobinBalancer } from './round-robin.balancer';

const inst = (id: string, weight = 1) => normalizeInstance({ id, service: 'Svc', version: '1.0.0', host: '127.0.0.1', port: 4000, weight });

describe('RoundRobinBalancer', () => {
  it('rotates in id order whatever order the candidates come in', () => {
    const balancer = new RoundRobinBalancer();
    const picks = [
      balancer.pick([inst('c'), inst('a'), inst('b')])!.id,
      balancer.pick([inst('b'), inst('c'), inst('a')])!.id,
      balancer.pick([inst('a'), inst('b'), inst('c')])!.id,
      balancer.pick([inst('a'), inst('b'), inst('c')])!.id,
    ];
    expect(picks).toEqual(['a', 'b', 'c', 'a']);
  });

  it('gives each of 3 instances exactly a third of 9 999 picks, ignoring weights but not weight 0', () => {
    const balancer = new RoundRobinBalancer();
    const candidates = [inst('a', 1), inst('b', 9), inst('c', 1), inst('z', 0)];
    const counts: Record<string, number> = {};
    for (let i = 0; i < 9_999; i++) {
      const id = balancer.pick(candidates)!.id;
      counts[id] = (counts[id] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 3_333, b: 3_333, c: 3_333 });
  });
});
