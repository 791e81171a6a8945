import { CpuPin } from './affinity';
import { PayloadSize } from './payloads';

/** One measurement: a workload at a fixed number of calls in flight. */
export interface CellSpec {
  /** Stable id, e.g. `small@64` or `stream@1`. */
  id: string;
  kind: 'unary' | 'stream';
  payload: PayloadSize;
  concurrency: number;
  /** Values per call (stream cells). */
  streamCount?: number;
  /** Server process(es) and client pinned to separate cores for this cell only (lib/affinity.ts). */
  pin?: CpuPin;
  /**
   * The systems of the cell take turns in slices of a few hundred ms, all kept running, instead
   * of one window each (lib/sliced-run.ts). Every cell but the huge one, which is about whether a
   * system stalls at all.
   */
  sliced?: boolean;
}

export type CellStatus = 'ok' | 'stall' | 'error' | 'n/a';

export interface ProcessStats {
  /** Peak resident set size during the window, MiB. */
  rssMiB: number;
  /** CPU time over the window, % of one core. */
  cpuPct: number;
}

/** What the client process reports for a cell; the orchestrator adds server stats and status. */
export interface CellMeasurement {
  cell: string;
  windowMs: number;
  completions: number;
  errors: number;
  firstError?: string;
  reqPerSec: number;
  /** Stream cells: values received per second. */
  valuesPerSec?: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  client: ProcessStats;
}

export interface CellResult extends Partial<CellMeasurement> {
  system: string;
  cell: string;
  status: CellStatus;
  reason?: string;
  server?: ProcessStats;
  /** Client RSS once connected, before any load (framework + harness baseline), MiB. */
  clientIdleRssMiB?: number;
  /** Interleaved repetitions aggregated into this result (medians); see lib/aggregate.ts. */
  runs?: number;
  /** req/s of every repetition, in run order. */
  samples?: number[];
  /** (max − min) ÷ median of `samples`, in %. */
  spreadPct?: number;
  /** p99 of every repetition, in run order (results files after the run of 2fdaaf8). */
  p99Samples?: number[];
}

export const CONCURRENCY_LEVELS = [1, 64, 512] as const;
export const STREAM_VALUES = 1_000;
/**
 * 50 × 200 KiB puts ~10 MiB in flight on one connection: past the ~8 MiB at which Nest TCP's
 * client and server can both stop reading while their writes wait for `drain` (11.2.5+).
 */
export const HUGE_CONCURRENCY = 50;

/**
 * One call in flight with the server on CPU 0 and the client on CPU 1: without pinning the
 * scheduler may run both on one core, and the cell then measures context switches, not the
 * per-call cost the in-flight-1 target is about.
 */
export const PINNED_CELL: CellSpec = { id: 'small@1-pinned', kind: 'unary', payload: 'small', concurrency: 1, pin: { serverCpu: 0, clientCpu: 1 }, sliced: true };

/** The full matrix: both payloads at every concurrency (small@1 also pinned), the huge-volume cell, then the streaming cell. */
export function allCells(): CellSpec[] {
  const cells: CellSpec[] = [];
  for (const payload of ['small', 'large'] as const) {
    for (const concurrency of CONCURRENCY_LEVELS) {
      cells.push({ id: `${payload}@${concurrency}`, kind: 'unary', payload, concurrency, sliced: true });
      if (payload === 'small' && concurrency === 1) cells.push({ ...PINNED_CELL });
    }
  }
  cells.push({ id: `huge@${HUGE_CONCURRENCY}`, kind: 'unary', payload: 'huge', concurrency: HUGE_CONCURRENCY });
  cells.push({ id: 'stream@1', kind: 'stream', payload: 'small', concurrency: 1, streamCount: STREAM_VALUES, sliced: true });
  return cells;
}

/** The spec of a cell id (undefined for an id this version of the harness no longer has). */
export function findCell(id: string): CellSpec | undefined {
  return allCells().find((cell) => cell.id === id);
}

/**
 * The cell feature costs are judged in, against the A/A copy measured there (bench/lib/targets.ts;
 * the copy's registry entry runs in this cell only).
 */
export const FEATURE_COST_CELL = 'small@64';
