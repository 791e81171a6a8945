import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to the cap, jittered within [d/2, d], and restarts after reset', () => {
    const low = new Backoff(100, 1_000, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff(100, 1_000, () => 0.999999);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1_000]);
    high.reset();
    expect(high.next()).toBe(100);
  });
});
