import { CallRateSampler } from './call-rate-sampler';

describe('CallRateSampler', () => {
  it('reports calls per second between the last two samples', () => {
    const sampler = new CallRateSampler();
    sampler.sample(new Map([['a', 10]]), 1_000);
    expect(sampler.rate('a')).toBe(0);
    sampler.sample(new Map([['a', 30], ['b', 5]]), 3_000);
    expect(sampler.rate('a')).toBe(10);
    expect(sampler.rate('b')).toBe(0); // first seen: no rate yet
    sampler.sample(new Map([['a', 30], ['b', 9]]), 4_000);
    expect(sampler.rate('a')).toBe(0);
    expect(sampler.rate('b')).toBe(4);
  });
});
