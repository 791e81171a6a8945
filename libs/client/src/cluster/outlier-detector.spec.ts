import { OutlierDetector } from './outlier-detector';

describe('OutlierDetector', () => {
  it('flags an outlier after 5 health failures in a row; a success resets the streak', () => {
    const d = new OutlierDetector({ minimumCalls: 1_000 });
    for (let i = 0; i < 4; i++) expect(d.record(true)).toBe(false);
    expect(d.record(false)).toBe(false);
    for (let i = 0; i < 4; i++) expect(d.record(true)).toBe(false);
    expect(d.record(true)).toBe(true);
  });

  it('flags a high failure rate over the window even without a long streak', () => {
    const d = new OutlierDetector({ consecutiveFailures: 100, minimumCalls: 10, failureRate: 0.5 });
    const outcomes = Array.from({ length: 10 }, (_, i) => d.record(i % 2 === 1));
    expect(outcomes.slice(0, 9).some(Boolean)).toBe(false);
    expect(outcomes[9]).toBe(true);
  });

  it('forgets the window when it expires', () => {
    let now = 0;
    const d = new OutlierDetector({ consecutiveFailures: 100, minimumCalls: 4, windowMs: 1_000 }, () => now);
    d.record(true);
    d.record(true);
    d.record(true);
    now = 1_500;
    expect(d.record(true)).toBe(false);
  });

  it('ejects for base × 2^(n-1), jittered ±20 %, capped at max', () => {
    let r = 0;
    const d = new OutlierDetector({ baseMs: 1_000, maxMs: 5_000 }, () => 0, () => r);
    expect(d.eject()).toBe(800); // jitter low end
    r = 0.999;
    expect(d.eject()).toBeGreaterThanOrEqual(2_399); // 2 000 × 1.2
    r = 0.5;
    expect(d.eject()).toBe(4_000);
    expect(d.eject()).toBe(5_000); // capped
    expect(d.ejectionCount).toBe(4);
  });

  it('starts short again after a long healthy stretch', () => {
    let now = 0;
    const d = new OutlierDetector({ baseMs: 100 }, () => now, () => 0.5);
    d.eject();
    d.eject();
    d.admit();
    now = 5_000;
    d.record(false);
    expect(d.eject()).toBe(100);
  });
});
