import { readFileSync } from 'fs';
import { join } from 'path';
import { allCells, findCell, PINNED_CELL } from '../../bench/lib/cells';
import { parseOptions, recordedOptions } from '../../bench/lib/options';
import { byCell, CELL_OVERHEAD_MS, estimateDurationMs, featureCostReason, formatDuration, planRun, runOrder, SYSTEM_START_OVERHEAD_MS } from '../../bench/lib/plan';
import { ResultsFile } from '../../bench/lib/results-file';
import { evaluateTargets } from '../../bench/lib/targets';
import { FEATURE_COST_CELLS, MEASURE_ORDER, SYSTEMS, SystemEntry } from '../../bench/systems';

const FEATURE_VARIANTS = ['nestrpc-json-nohb', 'nestrpc-json-trace', 'nestrpc-json-metrics', 'nestrpc-json-otel', 'nestrpc-json-limits', 'nestrpc-json-auth', 'nestrpc-cluster-wrr'];
// A full run starts every system afresh for each cell (~0.7 s each, runOrder) and takes its sliced
// cells in turns with a ramp each: 1805 s on the 2-core VM (2026-12-02, 2fdaaf8 and 3da929d).
// The estimate is checked against those runs below; this keeps the run from growing unnoticed.
const MAX_FULL_RUN_MS = 31 * 60_000;
// What a stalled cell adds on top of the estimate, as bench/run.ts prints it: ~7 s and a restart.
const STALL_MS = 7_000 + SYSTEM_START_OVERHEAD_MS;

function system(name: string, cells?: string[]): SystemEntry {
  return { name, label: name, family: 'ours', cells, load: () => Promise.reject(new Error('not loaded in this test')) };
}

describe('bench run plan', () => {
  it('has a pinned small@1 cell: server on CPU 0, client on CPU 1', () => {
    expect(allCells()).toContainEqual(PINNED_CELL);
    expect(PINNED_CELL).toMatchObject({ id: 'small@1-pinned', kind: 'unary', payload: 'small', concurrency: 1, pin: { serverCpu: 0, clientCpu: 1 } });
  });

  it('measures the feature-cost variants in small@64 and small@512 only, the rest n/a with why', () => {
    expect(FEATURE_COST_CELLS).toEqual(['small@64', 'small@512']);
    const variants = SYSTEMS.filter((s) => s.cells !== undefined && s.cells.join() === FEATURE_COST_CELLS.join()).map((s) => s.name);
    expect(variants.sort()).toEqual([...FEATURE_VARIANTS].sort());
    // The "what 0.1 did" variants run where their change shows, each against the system it changes.
    const before = SYSTEMS.filter((s) => s.cells !== undefined && !FEATURE_VARIANTS.includes(s.name));
    expect(before.map((s) => [s.name, s.comparedWith, s.cells])).toEqual([
      ['nestrpc-json-aa', 'nestrpc-json', ['small@1-pinned', 'small@64']],
      ['nestrpc-json-turnflush', 'nestrpc-json', ['small@1-pinned', 'small@64']],
      ['nestrpc-json-microservice', 'nestrpc-json', ['small@1-pinned', 'small@64', 'small@512']],
      ['nestrpc-json-bare-client', 'nestrpc-json', ['small@1-pinned', 'small@64']],
      ['nestrpc-msgpack-copy', 'nestrpc-msgpack', ['large@64']],
      ['nestrpc-msgpack-noarena', 'nestrpc-msgpack', ['large@64']],
    ]);
    const [plain, variant] = planRun([system('plain'), system('variant', ['small@64', 'small@512'])], allCells());
    expect(plain.cells).toHaveLength(allCells().length);
    expect(plain.skipped).toEqual([]);
    expect(variant.cells.map((c) => c.id)).toEqual(['small@64', 'small@512']);
    expect(variant.skipped).toHaveLength(allCells().length - 2);
    expect(variant.skipped[0]).toEqual({ system: 'variant', cell: 'small@1', status: 'n/a', reason: 'feature-cost variant: measured in small@64 and small@512 only' });
    expect(featureCostReason(FEATURE_COST_CELLS)).toBe('feature-cost variant: measured in small@64 and small@512 only');
    expect(featureCostReason(['small@1-pinned', 'small@64', 'small@512'])).toBe('feature-cost variant: measured in small@1-pinned, small@64 and small@512 only');
  });

  it('estimates cells × rounds × (warm-up + window + overhead + a start of its system)', () => {
    const plans = planRun([system('a'), system('b', ['small@64']), system('c', ['large@1'])], allCells().slice(0, 3));
    const model = { warmupMs: 1_000, windowMs: 4_000, rounds: 3 };
    expect(estimateDurationMs(plans, model)).toBe(3 * 4 * (5_000 + CELL_OVERHEAD_MS + SYSTEM_START_OVERHEAD_MS));
    // Sliced, each of a cell's 8 turns (4 s in 500 ms slices) adds its ramp; the huge cell is not sliced.
    const sliced = planRun([system('a', ['small@64', 'huge@50'])], allCells().filter((c) => c.id === 'small@64' || c.id === 'huge@50'));
    expect(estimateDurationMs(sliced, { ...model, sliceMs: 500, rampMs: 50 })).toBe(3 * (2 * (5_000 + CELL_OVERHEAD_MS + SYSTEM_START_OVERHEAD_MS) + 8 * 50));
    expect(formatDuration(1_234_567)).toBe('20 min 35 s');
    expect(formatDuration(9_400)).toBe('9 s');
  });

  it('measures cell by cell, each system of a cell in MEASURE_ORDER, unnamed systems last', () => {
    const cells = allCells().filter((c) => ['small@1', 'small@64'].includes(c.id));
    const plans = planRun([system('raw-json'), system('extra'), system('nestrpc-json'), system('nestrpc-json-nohb', ['small@64'])], cells);
    expect(runOrder(plans, cells).map(({ system: s, cell }) => `${cell.id}:${s.name}`)).toEqual([
      'small@1:nestrpc-json',
      'small@1:raw-json',
      'small@1:extra',
      'small@64:nestrpc-json-nohb',
      'small@64:nestrpc-json',
      'small@64:raw-json',
      'small@64:extra',
    ]);
  });

  it('measures the systems of every judged ratio next to each other (seconds apart) in a full run', () => {
    expect([...MEASURE_ORDER].sort()).toEqual(SYSTEMS.map((s) => s.name).sort());
    const options = parseOptions([]);
    const order = runOrder(planRun(options.systems, options.cells), options.cells);
    const slot = (system: string, cell: string): number => order.findIndex((o) => o.system.name === system && o.cell.id === cell);
    const pairs: [string, string, string][] = [
      ['small@1-pinned', 'nestrpc-json', 'raw-json'],
      ['small@64', 'nestrpc-json', 'raw-json'],
      ['small@512', 'nestrpc-json', 'raw-json'],
      ['small@64', 'nestrpc-msgpack', 'raw-json'],
      ['small@512', 'nestrpc-msgpack', 'raw-json'],
      ['large@64', 'nestrpc-msgpack', 'nest-tcp'],
    ];
    for (const [cell, a, b] of pairs) expect(Math.abs(slot(a, cell) - slot(b, cell))).toBe(1);
    // A variant runs among the other variants of its plain path, at most one other system between
    // (nestrpc msgpack's neighbours are raw JSON and Nest TCP, both in target pairs).
    for (const variant of SYSTEMS.filter((s) => s.comparedWith !== undefined)) {
      const siblings = SYSTEMS.filter((s) => s.comparedWith === variant.comparedWith).length;
      for (const cell of variant.cells ?? []) expect(Math.abs(slot(variant.name, cell) - slot(variant.comparedWith!, cell))).toBeLessThanOrEqual(siblings + 1);
    }
  });

  it('groups the run order by cell, in order, for the sliced cells to run together', () => {
    const cells = allCells().filter((c) => ['small@1', 'small@64'].includes(c.id));
    const plans = planRun([system('raw-json'), system('nestrpc-json'), system('nestrpc-json-nohb', ['small@64'])], cells);
    expect(byCell(runOrder(plans, cells)).map(({ cell, systems }) => `${cell.id}:${systems.map((s) => s.name).join(',')}`)).toEqual([
      'small@1:nestrpc-json,raw-json',
      'small@64:nestrpc-json-nohb,nestrpc-json,raw-json',
    ]);
    // Every cell but the huge one (it is about whether a system stalls) is sliced.
    expect(allCells().filter((c) => c.sliced !== true).map((c) => c.id)).toEqual(['huge@50']);
  });

  it('estimates the committed full runs within 5 % of the time they took', () => {
    // Two runs on an AMD EPYC host (1805 s each), one on an Intel Xeon host (1744 s): the fixed overheads differ by host.
    // Then one with the A/A copy in the pinned cell too (97 pairs, AMD EPYC, 1853 s).
    for (const name of ['2026-12-02-2fdaaf8.json', '2026-12-02-3da929d.json', '2026-12-02-43b4ca0.json', '2026-12-03.json']) {
      const file = JSON.parse(readFileSync(join(__dirname, '..', '..', 'bench', 'results', name), 'utf8')) as ResultsFile;
      expect(file.options.complete).toBe(true);
      const cells = file.options.cells.map((id) => findCell(id)!);
      const plans = planRun(file.systems.map((s) => system(s.name, s.cells === undefined ? undefined : [...s.cells])), cells);
      const stalls = file.results.filter((r) => r.status === 'stall').length * file.options.rounds!;
      const estimateS = (estimateDurationMs(plans, { ...file.options, rounds: file.options.rounds! }) + stalls * STALL_MS) / 1000;
      expect(Math.abs(estimateS - file.elapsedS) / file.elapsedS).toBeLessThan(0.05);
    }
  });

  it('keeps a full run (every system, every cell, 3 rounds, default windows) within ~31 minutes', () => {
    const options = parseOptions([]);
    expect(options.complete).toBe(true);
    expect(options.rounds).toBe(3);
    expect(estimateDurationMs(planRun(options.systems, options.cells), options)).toBeLessThanOrEqual(MAX_FULL_RUN_MS);
  });

  it('records in the results file how the run was taken, the profile sampling interval included', () => {
    const full = recordedOptions(parseOptions([]));
    expect(full).toEqual({ warmupMs: 1_000, windowMs: 4_000, sliceMs: 500, rampMs: 50, rounds: 3, cells: allCells().map((c) => c.id), profile: false, complete: true });
    const profiled = recordedOptions(parseOptions(['--profile-interval=50', '--slice=0', '--rounds=1', '--only=nestrpc-json,raw-json', '--cells=small@1-pinned']));
    expect(profiled).toEqual({ warmupMs: 1_000, windowMs: 4_000, sliceMs: 0, rampMs: 50, rounds: 1, cells: ['small@1-pinned'], profile: true, profileIntervalUs: 50, complete: false });
    // What a tracing tool asks of a run (bench/tools/critical-path.ts) is not part of the figures.
    const traced = parseOptions(['--slice=0', '--pid-log=/tmp/pids.jsonl', '--results-file=/tmp/results.json']);
    expect(traced).toMatchObject({ pidLog: '/tmp/pids.jsonl', resultsFile: '/tmp/results.json', complete: true });
    expect(recordedOptions(traced)).not.toHaveProperty('pidLog');
    expect(recordedOptions(traced)).not.toHaveProperty('resultsFile');
  });

  it('judges the in-flight-1 target pinned, and the unpinned one beside it, labelled as such', () => {
    const targets = evaluateTargets([]).map((t) => t.target);
    expect(targets).toContain('small@1-pinned (pinned to separate cores): nestrpc-json req/s ÷ raw-json');
    expect(targets).toContain('small@1 (unpinned): nestrpc-json req/s ÷ raw-json');
  });
});
