import { Backoff, backoffDelay, resolveBackoffOptions } from './backoff';
import { DEFAULT_BACKOFF_INITIAL_DELAY_MS, DEFAULT_BACKOFF_MAX_DELAY_MS } from './backoff.constants';

const LOWEST = () => 0;
const HIGHEST = () => 0.999999;

describe('Backoff', () => {
  it('grows by the multiplier up to the cap, without jitter', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 });
    expect(Array.from({ length: 6 }, () => backoff.nextDelay())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempts).toBe(6);
  });

  it('draws jittered delays within ±jitter of the base, never above the cap', () => {
    expect(new Backoff({ initialDelayMs: 1000, jitter: 0.2 }, LOWEST).nextDelay()).toBe(800);
    expect(new Backoff({ initialDelayMs: 1000, jitter: 0.2 }, HIGHEST).nextDelay()).toBe(1200);
    // At the cap the jitter can only shorten the delay: the cap is a cap.
    const capped = new Backoff({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.5 }, HIGHEST);
    expect(capped.nextDelay()).toBe(1000);
    const seeded = new Backoff({ initialDelayMs: 100, maxDelayMs: 5000, jitter: 0.3 });
    for (let attempt = 0; attempt < 20; attempt++) {
      const base = Math.min(5000, 100 * 2 ** attempt);
      const delay = seeded.nextDelay();
      expect(delay).toBeGreaterThanOrEqual(Math.round(base * 0.7));
      expect(delay).toBeLessThanOrEqual(Math.min(5000, Math.round(base * 1.3)));
    }
  });

  it('spreads delays over the whole jitter range (not a constant)', () => {
    const draws = new Set(Array.from({ length: 50 }, () => new Backoff({ initialDelayMs: 1000, jitter: 0.5 }).nextDelay()));
    expect(draws.size).toBeGreaterThan(10);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1500);
  });

  it('starts over after reset(), without cancelling a scheduled run', async () => {
    const backoff = new Backoff({ initialDelayMs: 5, jitter: 0 });
    backoff.nextDelay();
    backoff.nextDelay();
    const runs: string[] = [];
    backoff.schedule(() => runs.push('kept'));
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.nextDelay()).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toEqual(['kept']);
  });

  it('runs one scheduled callback, and none after cancel()', async () => {
    const backoff = new Backoff({ initialDelayMs: 5, jitter: 0 });
    const runs: string[] = [];
    backoff.schedule(() => runs.push('first'));
    backoff.schedule(() => runs.push('second')); // replaces the first
    expect(backoff.pending).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(runs).toEqual(['second']);
    expect(backoff.pending).toBe(false);
    backoff.schedule(() => runs.push('cancelled'));
    backoff.cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(runs).toEqual(['second']);
  });

  it('takes an explicit delay for one run without advancing the series', () => {
    const backoff = new Backoff({ initialDelayMs: 100, jitter: 0 });
    expect(backoff.schedule(() => undefined, 0)).toBe(0);
    backoff.cancel();
    expect(backoff.nextDelay()).toBe(100);
  });

  it('never overflows, clamps jitter to 0..1 and applies the defaults', () => {
    const policy = resolveBackoffOptions({ jitter: 7 });
    expect(policy).toEqual({ initialDelayMs: DEFAULT_BACKOFF_INITIAL_DELAY_MS, maxDelayMs: DEFAULT_BACKOFF_MAX_DELAY_MS, multiplier: 2, jitter: 1 });
    expect(backoffDelay(resolveBackoffOptions({ jitter: 0 }), 10_000)).toBe(DEFAULT_BACKOFF_MAX_DELAY_MS);
    expect(backoffDelay(policy, 0, LOWEST)).toBe(0);
    expect(new Backoff().next()).toBeLessThanOrEqual(DEFAULT_BACKOFF_INITIAL_DELAY_MS * 1.2);
  });
});
