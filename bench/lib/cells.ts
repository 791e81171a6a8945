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
}

export const CONCURRENCY_LEVELS = [1, 64, 512] as const;
export const STREAM_VALUES = 1_000;

/** The full matrix: both payloads at every concurrency, then the streaming cell. */
export function allCells(): CellSpec[] {
  const cells: CellSpec[] = [];
  for (const payload of ['small', 'large'] as const) {
    for (const concurrency of CONCURRENCY_LEVELS) cells.push({ id: `${payload}@${concurrency}`, kind: 'unary', payload, concurrency });
  }
  cells.push({ id: 'stream@1', kind: 'stream', payload: 'small', concurrency: 1, streamCount: STREAM_VALUES });
  return cells;
}
