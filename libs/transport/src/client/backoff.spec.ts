import { Backoff } from './backoff';

describe('Backoff', () => {
  it('grows by the multiplier up to the ceiling, without jitter', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0 });
    expect(Array.from({ length: 6 }, () => backoff.nextDelay())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('keeps jittered delays within ±jitter of the base', () => {
    const low = new Backoff({ initialDelayMs: 1000, jitter: 0.2 }, () => 0);
    const high = new Backoff({ initialDelayMs: 1000, jitter: 0.2 }, () => 0.999999);
    expect(low.nextDelay()).toBe(800);
    expect(high.nextDelay()).toBe(1200);
  });

  it('starts over after reset()', () => {
    const backoff = new Backoff({ initialDelayMs: 50, jitter: 0 });
    backoff.nextDelay();
    backoff.nextDelay();
    backoff.reset();
    expect(backoff.nextDelay()).toBe(50);
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
});
