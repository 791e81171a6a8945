import { isSteady, MAX_SPREAD_PCT, ratioOf } from './aggregate';
import { CellResult, CellSpec, findCell } from './cells';
import { describeMachine } from './machine';
import { cellLabel, escape, fmt, resultsTable, targetsTable } from './report';
import { describeCommit, ResultsFile } from './results-file';
import { FEATURE_COST_CELLS, SYSTEMS } from '../systems';

/** Markers of the generated blocks; a complete full run rewrites what lies between them. */
export const LATEST_RESULTS_MARKERS = ['<!-- latest-results:start -->', '<!-- latest-results:end -->'] as const;
export const BENCH_SUMMARY_MARKERS = ['<!-- bench-summary:start -->', '<!-- bench-summary:end -->'] as const;

/** The cells and systems of the root README's compact table (the issue's headline comparisons). */
export const SUMMARY_CELLS = ['small@64', 'small@512', 'small@1-pinned', 'large@64'] as const;
export const SUMMARY_SYSTEMS = ['nestrpc-json', 'nestrpc-msgpack', 'nest-tcp', 'raw-json'] as const;
const NEST_TCP = 'nest-tcp';
const RAW_JSON = 'raw-json';

type Lookup = (system: string, cell: string) => CellResult | undefined;

/** Which run this is, when, at which commit, how it was measured: the first line of both blocks. */
export function runHeadline(file: ResultsFile, fileName: string): string {
  const rounds = file.options.rounds ?? 1;
  const scope = file.options.complete ? `${file.mode === 'full' ? 'Full' : 'Quick'} run` : `Partial run (${file.mode} mode, ${file.systems.length} systems × ${file.options.cells.length} cells)`;
  const sliceMs = file.options.sliceMs ?? 0;
  // Runs before 2026-12-02 (no sliceMs) measured each system's window in one piece.
  const window = sliceMs > 0 ? `${seconds(file.options.windowMs)} window per cell, taken in turns of ${seconds(sliceMs)} by the systems of a cell (the huge cell system by system)` : `${seconds(file.options.windowMs)} window per cell`;
  const timing = `${rounds} interleaved round${rounds === 1 ? '' : 's'} of ${seconds(file.options.warmupMs)} warm-up + ${window}, ${file.elapsedS} s in all`;
  return `${scope} of ${file.date.slice(0, 10)}, ${describeCommit(file)}: ${timing}, on ${describeMachine(file.machine)}. Raw data: \`${fileName}\`.`;
}

/** docs/benchmark.md: every measured cell of every system, then the issue's targets. */
export function renderLatestBlock(file: ResultsFile, fileName: string): string {
  const cells = file.options.cells.map(specOf);
  const variants = file.systems.filter((s) => s.cells !== undefined).map((s) => `\`${s.name}\``);
  const note = variants.length > 0 ? `\n\nFeature-cost variants (${variants.join(', ')}) are measured only in the cells they declare; their other cells are n/a in the raw data, not rows here.` : '';
  return `${runHeadline(file, fileName)}\n\n${resultsTable(file.results, file.systems, cells)}${note}\n\n### Targets\n\n${targetsTable(file.targets)}`;
}

/** Root README: the headline cells for nestrpc, Nest TCP and raw JSON, then what each feature costs. */
export function renderSummaryBlock(file: ResultsFile, fileName: string): string {
  const find: Lookup = (system, cell) => file.results.find((r) => r.system === system && r.cell === cell);
  const label = (name: string): string => file.systems.find((s) => s.name === name)?.label ?? SYSTEMS.find((s) => s.name === name)?.label ?? name;
  const lines = [
    runHeadline(file, fileName),
    '',
    `req/s: medians of the rounds, ± half their range (⚠ over ${MAX_SPREAD_PCT} %). Ratios: medians of the per-round ratios (${(file.options.sliceMs ?? 0) > 0 ? 'both systems measured in alternating turns' : 'both systems measured seconds apart'} in each round); one whose rounds differed by more than ${MAX_SPREAD_PCT} % reads \`noisy\`. Full table and targets: [docs/benchmark.md](docs/benchmark.md).`,
    '',
    '| cell | system | req/s | × Nest TCP | × raw JSON | p99 ms |',
    '|---|---|--:|--:|--:|--:|',
  ];
  for (const cellId of SUMMARY_CELLS) {
    const cell = labelOf(cellId);
    for (const system of SUMMARY_SYSTEMS) {
      const r = find(system, cellId);
      if (r?.status !== 'ok') {
        lines.push(`| ${cell} | ${label(system)} | ${r === undefined ? 'not in this run' : `${r.status}${r.reason ? `: ${escape(r.reason)}` : ''}`} | – | – | – |`);
        continue;
      }
      lines.push(`| ${cell} | ${label(system)} | ${rate(r)} | ${ratio(r, find(NEST_TCP, cellId))} | ${ratio(r, find(RAW_JSON, cellId))} | ${r.p99Ms?.toFixed(2) ?? '–'} |`);
    }
  }
  const variants = file.systems.filter((s) => s.comparedWith !== undefined);
  if (variants.length > 0) {
    const declared = [...new Set(variants.flatMap((s) => s.cells ?? []))];
    const costCells = declared.length > 0 ? declared : [...FEATURE_COST_CELLS];
    lines.push('', 'Feature costs: req/s of each variant ÷ the same path without its change, same cells, same run (below 1× the feature costs throughput; a variant with a feature *off* reads above 1× by what the feature costs).', '');
    lines.push(`| variant | compared with | ${costCells.map(labelOf).join(' | ')} |`, `|---|---|${costCells.map(() => '--:').join('|')}|`);
    for (const variant of variants) {
      const base = variant.comparedWith!;
      const ratios = costCells.map((c) => {
        const r = find(variant.name, c);
        return r?.status === 'ok' ? ratio(r, find(base, c)) : (r?.status ?? 'not in this run');
      });
      lines.push(`| ${label(variant.name)} | ${label(base)} | ${ratios.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

function rate(r: CellResult): string {
  const spread = (r.runs ?? 1) > 1 ? ` ±${((r.spreadPct ?? 0) / 2).toFixed(1)} %${isSteady(r) ? '' : ' ⚠'}` : '';
  return `${fmt(r.reqPerSec ?? 0)}${spread}`;
}

function ratio(r: CellResult, baseline: CellResult | undefined): string {
  const value = baseline?.status === 'ok' ? ratioOf(r, baseline) : undefined;
  if (value === undefined) return '–';
  return value.steady ? `${value.value.toFixed(2)}×` : 'noisy';
}

/** Cells of older files keep rendering even if this harness no longer has them (labelled by id). */
function specOf(id: string): CellSpec {
  return findCell(id) ?? { id, kind: 'unary', payload: 'small', concurrency: Number(id.split('@')[1]) || 0 };
}

function labelOf(id: string): string {
  const cell = findCell(id);
  return cell === undefined ? id : cellLabel(cell);
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}
