import { aggregateRuns, isSteady, median, ratioOf } from '../../bench/lib/aggregate';
import { CellResult } from '../../bench/lib/cells';

function run(system: string, reqPerSec: number, p99Ms = 1, status: CellResult['status'] = 'ok'): CellResult {
  return { system, cell: 'small@64', status, reqPerSec, p50Ms: 0.5, p99Ms, p999Ms: 2, errors: 0, completions: reqPerSec * 5, client: { rssMiB: 90, cpuPct: 80 }, server: { rssMiB: 80, cpuPct: 70 } };
}

describe('benchmark aggregation of interleaved rounds', () => {
  it('reports the median of each figure, every sample and the spread', () => {
    const [a] = aggregateRuns([[run('a', 100, 3)], [run('a', 120, 1)], [run('a', 110, 2)]]);
    expect(a.reqPerSec).toBe(110);
    expect(a.p99Ms).toBe(2);
    expect(a.samples).toEqual([100, 120, 110]);
    expect(a.runs).toBe(3);
    expect(a.spreadPct).toBeCloseTo(18.2, 1);
    expect(isSteady(a)).toBe(true);
  });

  it('divides two systems round by round: a drift both share leaves the ratio steady, rounds that disagree do not', () => {
    const rounds = (system: string, rates: number[]) => aggregateRuns(rates.map((rate) => [run(system, rate)]))[0];
    const drifting = ratioOf(rounds('a', [90, 140, 190]), rounds('b', [100, 150, 200]))!;
    expect(drifting.rounds!.map((r) => r.toFixed(2))).toEqual(['0.90', '0.93', '0.95']);
    expect(drifting.value).toBeCloseTo(0.933, 3);
    expect(drifting.steady).toBe(true);
    expect(ratioOf(rounds('a', [70, 100, 100]), rounds('b', [100, 100, 100]))).toMatchObject({ value: 1, steady: false });
    // One run: the ratio of the medians, steady as the cells are.
    expect(ratioOf(run('a', 80), run('b', 100))).toEqual({ value: 0.8, steady: true });
  });

  it('marks a cell whose runs differ by more than 20 % as not steady', () => {
    const [a] = aggregateRuns([[run('a', 100)], [run('a', 130)], [run('a', 110)]]);
    expect(a.spreadPct).toBeGreaterThan(20);
    expect(isSteady(a)).toBe(false);
  });

  it('keeps a stall in any round as the cell status', () => {
    const [a] = aggregateRuns([[run('a', 100)], [{ system: 'a', cell: 'small@64', status: 'stall', reason: 'no completion' }]]);
    expect(a.status).toBe('stall');
    expect(a.reason).toBe('no completion');
  });

  it('groups by system and cell across rounds', () => {
    const results = aggregateRuns([[run('a', 1), run('b', 10)], [run('a', 3), run('b', 30)]]);
    expect(results.map((r) => [r.system, r.reqPerSec])).toEqual([['a', 2], ['b', 20]]);
    expect(median([])).toBe(0);
  });
});
