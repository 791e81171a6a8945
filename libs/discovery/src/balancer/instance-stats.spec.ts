import { InstanceStats } from './instance-stats';

describe('InstanceStats', () => {
  it('counts calls in flight; ending twice counts once', () => {
    const stats = new InstanceStats();
    const end1 = stats.begin('a');
    stats.begin('a');
    expect(stats.get('a').active).toBe(2);
    end1();
    end1();
    expect(stats.get('a').active).toBe(1);
    expect(stats.get('unknown')).toEqual({ active: 0, ewmaLatencyMs: 0 });
  });

  it('keeps a time-decayed EWMA of latency: first sample sets it, old samples fade', () => {
    let now = 0;
    const stats = new InstanceStats(1_000, () => now);
    stats.begin('a')(100);
    expect(stats.get('a').ewmaLatencyMs).toBe(100);
    now = 1_000; // one time constant later: the new sample gets 1 - e^-1 ≈ 63 %
    stats.record('a', 10);
    expect(stats.get('a').ewmaLatencyMs).toBeCloseTo(100 * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 6);
    now = 100_000;
    stats.record('a', 20);
    expect(stats.get('a').ewmaLatencyMs).toBeCloseTo(20, 3);
  });

  it('still moves on bursts of samples at the same instant, and ignores invalid ones', () => {
    const stats = new InstanceStats(1_000, () => 0);
    stats.record('a', 100);
    for (let i = 0; i < 100; i++) stats.record('a', 0);
    expect(stats.get('a').ewmaLatencyMs).toBeLessThan(1);
    stats.record('a', Number.NaN);
    stats.record('a', -5);
    expect(stats.get('a').ewmaLatencyMs).toBeLessThan(1);
    stats.forget('a');
    expect(stats.get('a')).toEqual({ active: 0, ewmaLatencyMs: 0 });
  });

  it('counts completed calls once each, for dashboards', () => {
    const stats = new InstanceStats();
    const end = stats.begin('a');
    stats.begin('a')();
    end(3);
    end(3);
    expect(stats.completed('a')).toBe(2);
    expect(stats.completed('unknown')).toBe(0);
  });
});
