import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CellResult } from '../../bench/lib/cells';
import { BENCH_SUMMARY_MARKERS, LATEST_RESULTS_MARKERS, renderLatestBlock, renderSummaryBlock } from '../../bench/lib/docs-blocks';
import { publishResults } from '../../bench/lib/publish';
import { describeCommit, replaceBlock, ResultsFile } from '../../bench/lib/results-file';

const FILE_NAME = 'bench/results/2026-12-02.json';

function ok(system: string, cell: string, reqPerSec: number, p99Ms: number, spreadPct = 4): CellResult {
  return { system, cell, status: 'ok', reqPerSec, p50Ms: p99Ms / 2, p99Ms, p999Ms: p99Ms * 2, errors: 0, runs: 3, samples: [reqPerSec], spreadPct, client: { rssMiB: 90, cpuPct: 80 }, server: { rssMiB: 80, cpuPct: 70 } };
}

function fakeRun(overrides: Partial<ResultsFile> = {}): ResultsFile {
  return {
    date: '2026-12-02T10:00:00.000Z',
    mode: 'full',
    elapsedS: 1380,
    commit: 'abc1234',
    dirty: false,
    options: { warmupMs: 1000, windowMs: 4000, rounds: 3, cells: ['small@1-pinned', 'small@64', 'small@512', 'large@64'], profile: false, complete: true },
    machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, os: 'linux test', node: 'v20', nestCore: '11', nestMicroservices: '11' },
    systems: [
      { name: 'nestrpc-json', label: 'nestrpc JSON', family: 'ours' },
      { name: 'nestrpc-json-auth', label: 'nestrpc JSON, token authentication', family: 'ours', cells: ['small@64', 'small@512'], comparedWith: 'nestrpc-json' },
      { name: 'nestrpc-msgpack', label: 'nestrpc msgpack', family: 'ours' },
      { name: 'nest-tcp', label: 'Nest TCP', family: 'nest' },
      { name: 'raw-json', label: 'raw net JSON', family: 'ceiling' },
    ],
    results: [
      ok('nestrpc-json', 'small@64', 90_000, 1.5),
      ok('nestrpc-json-auth', 'small@64', 81_000, 1.6),
      { system: 'nestrpc-json-auth', cell: 'large@64', status: 'n/a', reason: 'feature-cost variant: measured in small@64 and small@512 only' },
      ok('nestrpc-msgpack', 'small@64', 120_000, 1.2, 30),
      ok('nest-tcp', 'small@64', 40_000, 6),
      ok('raw-json', 'small@64', 100_000, 1),
      ok('nestrpc-json', 'small@1-pinned', 15_000, 0.1),
      ok('raw-json', 'small@1-pinned', 16_000, 0.09),
      { system: 'nest-tcp', cell: 'small@1-pinned', status: 'n/a', reason: 'taskset unavailable (not installed)' },
    ],
    targets: [{ target: 'small@64: nestrpc-json req/s ÷ raw-json', measured: '90000 vs 100000', required: '≥ 0.85×', ratio: 0.9, met: true }],
    ...overrides,
  };
}

const ROW = (text: string, cell: string, system: string): string | undefined => text.split('\n').find((line) => line.startsWith(`| ${cell} | ${system} |`));

describe('bench docs blocks', () => {
  it('says when the systems of a cell took their windows in turns', () => {
    const sliced = fakeRun({ options: { warmupMs: 1000, windowMs: 4000, sliceMs: 500, rounds: 3, cells: ['small@64'], profile: false, complete: true } });
    const block = renderSummaryBlock(sliced, FILE_NAME);
    expect(block).toContain('3 interleaved rounds of 1 s warm-up + 4 s window per cell, taken in turns of 0.5 s by the systems of a cell (the huge cell system by system)');
    expect(block).toContain('Ratios: medians of the per-round ratios (both systems measured in alternating turns in each round)');
    expect(renderSummaryBlock(fakeRun(), FILE_NAME)).toContain('(both systems measured seconds apart in each round)');
  });

  it('summarises the headline cells with req/s, × Nest TCP, × raw JSON and p99, stating file, date and commit', () => {
    const block = renderSummaryBlock(fakeRun(), FILE_NAME);
    expect(block).toContain('Full run of 2026-12-02, commit abc1234: 3 interleaved rounds of 1 s warm-up + 4 s window per cell');
    expect(block).toContain('Raw data: `bench/results/2026-12-02.json`');
    expect(ROW(block, 'small ~95 B × 64', 'nestrpc JSON')).toBe('| small ~95 B × 64 | nestrpc JSON | 90,000 ±2.0 % | 2.25× | 0.90× | 1.50 |');
    expect(ROW(block, 'small ~95 B × 1, pinned to separate cores', 'nestrpc JSON')).toBe('| small ~95 B × 1, pinned to separate cores | nestrpc JSON | 15,000 ±2.0 % | – | 0.94× | 0.10 |');
    // A cell over the spread limit is not quoted as a ratio.
    expect(ROW(block, 'small ~95 B × 64', 'nestrpc msgpack')).toBe('| small ~95 B × 64 | nestrpc msgpack | 120,000 ±15.0 % ⚠ | noisy | noisy | 1.20 |');
    expect(ROW(block, 'small ~95 B × 1, pinned to separate cores', 'Nest TCP')).toBe('| small ~95 B × 1, pinned to separate cores | Nest TCP | n/a: taskset unavailable (not installed) | – | – | – |');
    expect(ROW(block, 'large 16 KiB × 64', 'raw net JSON')).toBe('| large 16 KiB × 64 | raw net JSON | not in this run | – | – | – |');
  });

  it('lists each feature-cost variant as a ratio to its plain path', () => {
    const block = renderSummaryBlock(fakeRun(), FILE_NAME);
    expect(block).toContain('| variant | compared with | small ~95 B × 64 | small ~95 B × 512 |');
    expect(block).toContain('| nestrpc JSON, token authentication | nestrpc JSON | 0.90× | not in this run |');
  });

  it('says when the measured tree had uncommitted changes, in either file format', () => {
    expect(renderSummaryBlock(fakeRun({ dirty: true }), FILE_NAME)).toContain('commit abc1234 with uncommitted changes');
    expect(describeCommit({ commit: 'e4cd936+dirty' })).toBe('commit e4cd936 with uncommitted changes');
    expect(describeCommit({})).toBe('commit not recorded');
  });

  it('gives docs/benchmark.md every measured row and the targets, not the variants’ n/a cells', () => {
    const block = renderLatestBlock(fakeRun(), FILE_NAME);
    expect(block.startsWith('Full run of 2026-12-02, commit abc1234')).toBe(true);
    expect(block).toContain('| small ~95 B × 64 | nestrpc JSON, token authentication | 81,000 |');
    expect(block).not.toContain('| large 16 KiB × 64 | nestrpc JSON, token authentication |');
    expect(block).toContain('Feature-cost variants (`nestrpc-json-auth`) are measured only in the cells they declare');
    expect(block).toContain('| small@64: nestrpc-json req/s ÷ raw-json | 90000 vs 100000 | ≥ 0.85× | 0.9 | ✔ |');
  });

  it('names a partial run as such', () => {
    const partial = fakeRun({ options: { ...fakeRun().options, complete: false } });
    expect(renderSummaryBlock(partial, FILE_NAME)).toMatch(/^Partial run \(full mode, 5 systems × 4 cells\) of 2026-12-02, commit abc1234/);
  });

  it('replaces only what lies between the markers, and refuses when they are missing', () => {
    const [start, end] = BENCH_SUMMARY_MARKERS;
    const text = `# Title\n\nbefore\n${start}\nold table\n${end}\nafter\n`;
    expect(replaceBlock(text, start, end, 'new table\n')).toBe(`# Title\n\nbefore\n${start}\nnew table\n${end}\nafter\n`);
    expect(replaceBlock('no markers', start, end, 'x')).toBeUndefined();
    expect(replaceBlock(`${end}\n${start}`, start, end, 'x')).toBeUndefined();
  });

  it('rewrites the README and docs/benchmark.md blocks from one results file', () => {
    const root = mkdtempSync(join(tmpdir(), 'bench-docs-'));
    try {
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'README.md'), `intro\n${BENCH_SUMMARY_MARKERS[0]}\nhand-written table\n${BENCH_SUMMARY_MARKERS[1]}\noutro\n`);
      writeFileSync(join(root, 'docs', 'benchmark.md'), `# Benchmark\n${LATEST_RESULTS_MARKERS[0]}\nold\n${LATEST_RESULTS_MARKERS[1]}\n`);
      const report = publishResults(root, fakeRun(), FILE_NAME);
      expect(report).toEqual([`docs/benchmark.md: updated from ${FILE_NAME}`, `README.md: updated from ${FILE_NAME}`]);
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const summary = readme.slice(readme.indexOf(BENCH_SUMMARY_MARKERS[0]), readme.indexOf(BENCH_SUMMARY_MARKERS[1]));
      expect(summary).not.toContain('hand-written table');
      expect(summary).toContain('2026-12-02, commit abc1234');
      expect(summary).toContain(FILE_NAME);
      expect(readme.startsWith('intro\n')).toBe(true);
      expect(readme.endsWith(`${BENCH_SUMMARY_MARKERS[1]}\noutro\n`)).toBe(true);
      const docs = readFileSync(join(root, 'docs', 'benchmark.md'), 'utf8');
      expect(docs).toContain('Full run of 2026-12-02, commit abc1234');
      expect(docs).not.toContain('\nold\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
