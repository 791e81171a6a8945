import { watchReconnectBackoff } from './watch-backoff';

describe('watchReconnectBackoff', () => {
  it('gives etcd3 a series from the common backoff curve: grows, stays within jitter, caps, restarts per series', () => {
    const factory = watchReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 });
    for (let series = 0; series < 2; series++) {
      let step = factory.next(undefined);
      const durations: number[] = [];
      for (let i = 0; i < 8; i++) {
        durations.push(step.duration);
        step = step.next(undefined);
      }
      durations.forEach((d, attempt) => {
        const base = Math.min(1_000, 100 * 2 ** attempt);
        expect(d).toBeGreaterThanOrEqual(base / 2 - 1);
        expect(d).toBeLessThanOrEqual(1_000);
      });
      expect(durations[0]).toBeLessThanOrEqual(150);
    }
  });
});
