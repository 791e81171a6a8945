import { CellResult } from '../../bench/lib/cells';
import { pairedRatios } from '../../bench/lib/aggregate';
import { evaluateTargets } from '../../bench/lib/targets';

function cell(system: string, id: string, samples: number[]): CellResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return { system, cell: id, status: 'ok', reqPerSec: sorted[sorted.length >> 1], samples, runs: samples.length, spreadPct: ((sorted[sorted.length - 1] - sorted[0]) / sorted[sorted.length >> 1]) * 100 };
}

const JSON_VS_RAW = 'small@64: nestrpc-json req/s ÷ raw-json';

describe('benchmark targets', () => {
  it('judges a throughput ratio round by round: a drift both sides of a round share does not make it noisy', () => {
    // Each side swings 50 % between rounds (each marked noisy on its own), the ratio holds at 0.9–0.95.
    const check = evaluateTargets([cell('nestrpc-json', 'small@64', [90, 140, 190]), cell('raw-json', 'small@64', [100, 150, 200])]).find((t) => t.target === JSON_VS_RAW)!;
    expect(check.ratio).toBe(0.93);
    expect(check.met).toBe(true);
    expect(check.measured).toBe('140 vs 150; per round 0.90, 0.93, 0.95');
  });

  it('does not judge a ratio whose rounds disagree by more than 20 %', () => {
    const check = evaluateTargets([cell('nestrpc-json', 'small@64', [70, 100, 100]), cell('raw-json', 'small@64', [100, 100, 100])]).find((t) => t.target === JSON_VS_RAW)!;
    expect(check.met).toBeUndefined();
    expect(check.ratio).toBeUndefined();
    expect(check.measured).toContain('per round 0.70, 1.00, 1.00');
    expect(check.measured).toContain("the rounds' ratios spread over 20 %");
  });

  it('falls back to the ratio of medians for a single run, or rounds that do not line up', () => {
    expect(pairedRatios(cell('a', 'x', [100]), cell('b', 'x', [50]))).toBeUndefined();
    expect(pairedRatios(cell('a', 'x', [100, 100]), cell('b', 'x', [50, 50, 50]))).toBeUndefined();
    const single = evaluateTargets([cell('nestrpc-json', 'small@64', [80]), cell('raw-json', 'small@64', [100])]).find((t) => t.target === JSON_VS_RAW)!;
    expect(single).toMatchObject({ ratio: 0.8, met: false, measured: '80 vs 100' });
  });

  it('judges the p99 target round by round too, from the p99 of each round', () => {
    const P99 = 'small@64: nestrpc-json p99 ÷ nest-tcp p99';
    const withP99 = (result: CellResult, p99Samples: number[]): CellResult => ({ ...result, p99Samples, p99Ms: [...p99Samples].sort((a, b) => a - b)[p99Samples.length >> 1] });
    // req/s swings over 20 % on both sides (the old rule: unjudged); each round's p99 ratio is ~0.33.
    const steady = evaluateTargets([withP99(cell('nestrpc-json', 'small@64', [60, 100, 120]), [3, 2.4, 2]), withP99(cell('nest-tcp', 'small@64', [20, 35, 40]), [9, 7.5, 6])]).find((t) => t.target === P99)!;
    expect(steady).toMatchObject({ ratio: 0.33, met: true, measured: '2.4 ms vs 7.5 ms; per round 0.33, 0.32, 0.33' });
    const split = evaluateTargets([withP99(cell('nestrpc-json', 'small@64', [100, 100, 100]), [2, 4, 2]), withP99(cell('nest-tcp', 'small@64', [40, 40, 40]), [8, 8, 8])]).find((t) => t.target === P99)!;
    expect(split).toMatchObject({ ratio: undefined, met: undefined });
    expect(split.measured).toContain("per round 0.25, 0.50, 0.25; the rounds' ratios spread over 20 %");
    // Results files without per-round p99 keep the old rule.
    const old = evaluateTargets([{ ...cell('nestrpc-json', 'small@64', [60, 100, 120]), p99Ms: 2.4 }, { ...cell('nest-tcp', 'small@64', [20, 35, 40]), p99Ms: 7.5 }]).find((t) => t.target === P99)!;
    expect(old).toMatchObject({ ratio: undefined, met: undefined });
    expect(old.measured).toContain('spread over 20 %');
  });
});
