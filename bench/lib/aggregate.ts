import { CellResult, ProcessStats } from './cells';

/** A cell whose req/s varies more than this across its repetitions is marked noisy and quoted as no ratio. */
export const MAX_SPREAD_PCT = 20;

/**
 * Folds the repetitions of every (system, cell) into one result: the median of each figure, the
 * req/s of every run and their spread. A cell that stalled or failed in any repetition keeps that
 * status (a stall is a finding, not an outlier to drop).
 */
export function aggregateRuns(rounds: CellResult[][]): CellResult[] {
  const groups = new Map<string, CellResult[]>();
  for (const round of rounds) {
    for (const result of round) {
      const key = `${result.system}\u0000${result.cell}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [result]);
      else group.push(result);
    }
  }
  return [...groups.values()].map(aggregateCell);
}

export function aggregateCell(runs: CellResult[]): CellResult {
  const first = runs[0];
  const failed = runs.find((r) => r.status !== 'ok');
  if (failed !== undefined) return { ...failed, runs: runs.length, samples: runs.map((r) => r.reqPerSec ?? 0) };
  const samples = runs.map((r) => r.reqPerSec ?? 0);
  const medianRate = median(samples);
  return {
    ...first,
    runs: runs.length,
    samples,
    spreadPct: medianRate > 0 ? Math.round(((Math.max(...samples) - Math.min(...samples)) / medianRate) * 1000) / 10 : 0,
    reqPerSec: Math.round(medianRate),
    valuesPerSec: first.valuesPerSec === undefined ? undefined : Math.round(median(runs.map((r) => r.valuesPerSec ?? 0))),
    completions: Math.round(median(runs.map((r) => r.completions ?? 0))),
    errors: runs.reduce((sum, r) => sum + (r.errors ?? 0), 0),
    firstError: runs.find((r) => r.firstError !== undefined)?.firstError,
    p50Ms: round2(median(runs.map((r) => r.p50Ms ?? 0))),
    p99Ms: round2(median(runs.map((r) => r.p99Ms ?? 0))),
    p99Samples: runs.map((r) => r.p99Ms ?? 0),
    p999Ms: round2(median(runs.map((r) => r.p999Ms ?? 0))),
    client: medianStats(runs.map((r) => r.client)),
    server: medianStats(runs.map((r) => r.server)),
    clientIdleRssMiB: first.clientIdleRssMiB === undefined ? undefined : Math.round(median(runs.map((r) => r.clientIdleRssMiB ?? 0))),
  };
}

/** A ratio of two systems' req/s in one cell, and whether it repeated within MAX_SPREAD_PCT. */
export interface Ratio {
  value: number;
  steady: boolean;
  /** The ratio of each round (A's req/s ÷ B's in the same round); undefined when read from medians. */
  rounds?: number[];
}

/**
 * A's req/s ÷ B's. With rounds that line up, the median of the per-round ratios, steady when
 * those differ by at most MAX_SPREAD_PCT: the two are measured seconds apart in each round
 * (MEASURE_ORDER), so a slow phase of the machine lands on both sides of a round's ratio, and the
 * ratio can repeat while each side drifts. Otherwise (one run) the ratio of the medians, steady
 * when both cells are. undefined when either side has no rate.
 */
export function ratioOf(a: CellResult, b: CellResult): Ratio | undefined {
  if (!a.reqPerSec || !b.reqPerSec) return undefined;
  const rounds = pairedRatios(a, b);
  if (rounds === undefined) return { value: a.reqPerSec / b.reqPerSec, steady: isSteady(a) && isSteady(b) };
  return fromRounds(rounds);
}

/** The median of per-round ratios, steady when they differ by at most MAX_SPREAD_PCT of it. */
function fromRounds(rounds: number[]): Ratio {
  const value = median(rounds);
  return { value, steady: value > 0 && ((Math.max(...rounds) - Math.min(...rounds)) / value) * 100 <= MAX_SPREAD_PCT, rounds };
}

/** The req/s ratio of each round, or undefined for a single run or rounds that do not line up. */
export function pairedRatios(a: CellResult, b: CellResult): number[] | undefined {
  return roundByRound(a.samples, b.samples);
}

/**
 * A's p99 ÷ B's, like `ratioOf` for req/s: the median of the per-round ratios, steady when those
 * differ by at most MAX_SPREAD_PCT (both sides of a round saw the same phase of the machine).
 * undefined when the results carry no per-round p99 (files up to the run of 2fdaaf8) or rounds
 * that do not line up.
 */
export function p99RatioOf(a: CellResult, b: CellResult): Ratio | undefined {
  const rounds = roundByRound(a.p99Samples, b.p99Samples);
  return rounds === undefined ? undefined : fromRounds(rounds);
}

function roundByRound(x: number[] | undefined, y: number[] | undefined): number[] | undefined {
  if (x === undefined || y === undefined || x.length < 2 || x.length !== y.length || y.some((v) => v <= 0)) return undefined;
  return x.map((v, i) => v / y[i]);
}

/** True when the cell repeated within MAX_SPREAD_PCT (a single run is never called noisy). */
export function isSteady(result: CellResult): boolean {
  return (result.spreadPct ?? 0) <= MAX_SPREAD_PCT;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianStats(stats: (ProcessStats | undefined)[]): ProcessStats | undefined {
  const present = stats.filter((s): s is ProcessStats => s !== undefined);
  if (present.length === 0) return undefined;
  return { rssMiB: Math.round(median(present.map((s) => s.rssMiB))), cpuPct: Math.round(median(present.map((s) => s.cpuPct))) };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
