import { CellResult, CellSpec } from './cells';
import { SystemEntry } from '../systems';

/** What one system does in a run: the cells it is measured in, and the ones it skips with why. */
export interface SystemPlan {
  system: SystemEntry;
  cells: CellSpec[];
  skipped: CellResult[];
}

export interface DurationModel {
  warmupMs: number;
  windowMs: number;
  rounds: number;
}

/**
 * Overheads measured on the 2-core bench VM (elapsed time minus cells × (warm-up + window) in
 * the 2026-12-01 results: 19 s over 48 cells and 24 system starts): starting a system's
 * server(s) and client, and per cell the echo check, the drain and the stats exchange.
 */
export const SYSTEM_START_OVERHEAD_MS = 1_000;
export const CELL_OVERHEAD_MS = 100;

export function featureCostReason(cells: readonly string[]): string {
  return `feature-cost variant: measured in ${cells.join(' and ')} only`;
}

/** Splits the selected cells of every selected system into measured and declared-elsewhere. */
export function planRun(systems: readonly SystemEntry[], cells: readonly CellSpec[]): SystemPlan[] {
  return systems.map((system) => {
    const declared = system.cells;
    if (declared === undefined) return { system, cells: [...cells], skipped: [] };
    const reason = featureCostReason(declared);
    return {
      system,
      cells: cells.filter((cell) => declared.includes(cell.id)),
      skipped: cells.filter((cell) => !declared.includes(cell.id)).map((cell) => ({ system: system.name, cell: cell.id, status: 'n/a' as const, reason })),
    };
  });
}

/**
 * Expected wall time: every measured cell × rounds × (warm-up + window + its overhead), plus a
 * start of every system in every round. A stall adds its drain + grace and a restart on top.
 */
export function estimateDurationMs(plans: readonly SystemPlan[], model: DurationModel): number {
  const cells = plans.reduce((sum, plan) => sum + plan.cells.length, 0);
  const started = plans.filter((plan) => plan.cells.length > 0).length;
  return model.rounds * (cells * (model.warmupMs + model.windowMs + CELL_OVERHEAD_MS) + started * SYSTEM_START_OVERHEAD_MS);
}

/** 1 234 567 ms → "20 min 35 s". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}
