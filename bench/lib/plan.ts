import { CellResult, CellSpec } from './cells';
import { sliceCount } from './sliced-run';
import { MEASURE_ORDER, SystemEntry } from '../systems';

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
  /** Sliced cells' turn length and unmeasured ramp (0 or absent: no sliced cells). */
  sliceMs?: number;
  rampMs?: number;
}

/**
 * Overheads measured on the 2-core bench VM (elapsed time minus cells × (warm-up + window)):
 * per cell the echo check, the drain and the stats exchange (19 s over 48 cells and 24 system
 * starts in bench/results/2026-12-01-system-major.json), and starting a system's server(s) and
 * client, which every measured cell now does (runOrder): bench/results/2026-12-01-940d2ef.json took
 * 1666 s for 288 cells of 1 s + 4 s, i.e. ~0.7 s per start.
 */
export const SYSTEM_START_OVERHEAD_MS = 700;
export const CELL_OVERHEAD_MS = 100;

export function featureCostReason(cells: readonly string[]): string {
  return `feature-cost variant: measured in ${listOf(cells)} only`;
}

/** ['a', 'b', 'c'] → "a, b and c". */
function listOf(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
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

/** One measurement of a round: a system in one cell, in processes started for it alone. */
export interface PlannedCell {
  system: SystemEntry;
  cell: CellSpec;
}

/**
 * What one round measures, in order: cell by cell (in the order cells are given), and within a
 * cell every system that runs there in MEASURE_ORDER (systems it does not name last, in the
 * order given). So the systems a ratio compares are measured seconds apart, not minutes (a
 * system-by-system round put nestrpc JSON and raw JSON ~6 minutes apart in a full run), and
 * every cell starts its system afresh: no cell inherits the heap, JIT state or socket buffers an
 * earlier, heavier cell left behind.
 */
export function runOrder(plans: readonly SystemPlan[], cells: readonly CellSpec[]): PlannedCell[] {
  const rank = (plan: SystemPlan): number => {
    const at = MEASURE_ORDER.indexOf(plan.system.name);
    return at >= 0 ? at : MEASURE_ORDER.length + plans.indexOf(plan);
  };
  const ordered = [...plans].sort((a, b) => rank(a) - rank(b));
  return cells.flatMap((cell) => ordered.filter((plan) => plan.cells.some((c) => c.id === cell.id)).map((plan) => ({ system: plan.system, cell })));
}

/** Consecutive entries of one cell, as runOrder lists them: the systems a cell measures, in order. */
export function byCell(order: readonly PlannedCell[]): { cell: CellSpec; systems: SystemEntry[] }[] {
  const groups: { cell: CellSpec; systems: SystemEntry[] }[] = [];
  for (const { system, cell } of order) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.cell.id === cell.id) last.systems.push(system);
    else groups.push({ cell, systems: [system] });
  }
  return groups;
}

/**
 * Expected wall time: every measured cell × rounds × (warm-up + window + its overhead + a start
 * of its system), plus, in a sliced cell, each of its turns' ramp (8 turns of 50 ms a cell in a
 * full run: before they were counted, the estimate read 27 min 50 s for runs of 29–30 min). A
 * stall adds its drain + grace and a restart on top. test/bench/plan.spec.ts holds the estimate
 * to within 5 % of the committed full runs' elapsed time.
 */
export function estimateDurationMs(plans: readonly SystemPlan[], model: DurationModel): number {
  const perCell = model.warmupMs + model.windowMs + CELL_OVERHEAD_MS + SYSTEM_START_OVERHEAD_MS;
  const sliceMs = model.sliceMs ?? 0;
  const ramps = sliceMs > 0 ? sliceCount(model.windowMs, sliceMs) * (model.rampMs ?? 0) : 0;
  const ms = plans.reduce((sum, plan) => sum + plan.cells.reduce((cells, cell) => cells + perCell + (cell.sliced === true ? ramps : 0), 0), 0);
  return model.rounds * ms;
}

/** 1 234 567 ms → "20 min 35 s". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}
