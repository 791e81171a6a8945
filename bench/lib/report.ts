import { isSteady, MAX_SPREAD_PCT, ratioOf } from './aggregate';
import { CellResult, CellSpec } from './cells';
import { RecordedSystem } from './results-file';
import { TargetCheck } from './targets';

const BASELINE = 'nest-tcp';

type TableSystem = Pick<RecordedSystem, 'name' | 'label' | 'cells'>;

/**
 * One row per system under each cell, so the systems of a workload sit side by side. A system
 * that declares its cells (a feature-cost variant) has rows only in those: its n/a elsewhere is
 * in the results file, not worth a table row each.
 */
export function resultsTable(results: CellResult[], systems: readonly TableSystem[], cells: readonly CellSpec[]): string {
  const lines = [
    '| cell | system | req/s (median) | spread | × Nest TCP | p50 ms | p99 ms | p999 ms | errors | server RSS MiB / CPU % | client RSS MiB / CPU % | status |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const cell of cells) {
    const baseline = results.find((r) => r.system === BASELINE && r.cell === cell.id && r.status === 'ok');
    for (const system of systems) {
      const r = results.find((x) => x.system === system.name && x.cell === cell.id);
      if (r === undefined || (system.cells !== undefined && !system.cells.includes(cell.id))) continue;
      const label = cellLabel(cell);
      if (r.status !== 'ok') {
        lines.push(`| ${label} | ${system.label} | – | – | – | – | – | – | ${r.errors ?? '–'} | ${stats(r.server)} | ${stats(r.client)} | ${r.status}: ${escape(r.reason ?? '')} |`);
        continue;
      }
      const rate = cell.kind === 'stream' ? `${fmt(r.reqPerSec!)} (${fmt(r.valuesPerSec ?? 0)} values/s)` : fmt(r.reqPerSec!);
      const relative = ratioCell(r, baseline);
      const status = r.errors ? `ok (${escape(r.firstError ?? '')})` : 'ok';
      lines.push(`| ${label} | ${system.label} | ${rate} | ${spread(r)} | ${relative} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${ms(r.p999Ms)} | ${r.errors} | ${stats(r.server)} | ${stats(r.client)} | ${status} |`);
    }
  }
  return lines.join('\n');
}

export function targetsTable(checks: TargetCheck[]): string {
  const lines = ['| target | measured | required | ratio | met |', '|---|---|---|--:|:-:|'];
  for (const c of checks) {
    const met = c.reported === true ? 'reported' : c.met === undefined ? (c.band === undefined ? '–' : '≈') : c.met ? '✔' : '✘';
    lines.push(`| ${c.target} | ${escape(c.measured)} | ${c.required} | ${c.ratio ?? '–'} | ${met} |`);
  }
  return lines.join('\n');
}

/** A ratio is quoted only between cells that repeated within MAX_SPREAD_PCT. */
function ratioCell(r: CellResult, baseline: CellResult | undefined): string {
  const ratio = baseline === undefined ? undefined : ratioOf(r, baseline);
  if (ratio === undefined) return '–';
  if (!ratio.steady) return `noisy (> ${MAX_SPREAD_PCT} %)`;
  return `${ratio.value.toFixed(2)}×`;
}

function spread(r: CellResult): string {
  if ((r.runs ?? 1) < 2) return '1 run';
  return `±${((r.spreadPct ?? 0) / 2).toFixed(1)} % (${r.runs} runs)${isSteady(r) ? '' : ' ⚠'}`;
}

export function cellLabel(cell: CellSpec): string {
  if (cell.kind === 'stream') return `stream 1→${cell.streamCount} × ${cell.concurrency}`;
  const size = { small: 'small ~95 B', large: 'large 16 KiB', huge: 'huge 200 KiB' }[cell.payload];
  return `${size} × ${cell.concurrency}${cell.pin ? ', pinned to separate cores' : ''}`;
}

function stats(s: { rssMiB: number; cpuPct: number } | undefined): string {
  return s === undefined ? '–' : `${Math.round(s.rssMiB)} / ${s.cpuPct}`;
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}

export function fmt(value: number): string {
  return value.toLocaleString('en-US');
}

export function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 140);
}
