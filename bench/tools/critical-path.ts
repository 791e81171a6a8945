/**
 * Where one call's time goes at one call in flight, each end apart: the bench's pinned cell run
 * system by system (`--slice=0`) under `perf record` of the read, write and epoll system calls,
 * then, per process, the medians of bench/lib/syscall-trace.ts (`callPathOf`) over the measured
 * window: read → write (that end's code before it answers), the write itself, write → sleep,
 * asleep, wake → read. Each round is a bench run of its own (fresh processes, the systems one
 * after another); the figures are medians over the rounds, with req/s from the same runs.
 *
 * Needs Linux on x86-64, `perf` and the right to trace system-wide (root, or
 * kernel.perf_event_paranoid ≤ -1). Tracing slows every system call a little, on every system
 * alike: compare the systems of one run, not these figures with a bench run's.
 *
 *   node -r ts-node/register/transpile-only bench/tools/critical-path.ts [--only=nestrpc-json,raw-json] [--cell=small@1-pinned] [--rounds=3] [--out=bench/results/<file>.json]
 */
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { arch, tmpdir } from 'os';
import { join } from 'path';
import { createInterface } from 'readline';
import { median } from '../lib/aggregate';
import { allCells, CellResult, findCell } from '../lib/cells';
import { describeMachine, machineInfo } from '../lib/machine';
import { gitRevision, ResultsFile } from '../lib/results-file';
import { CallPath, callPathOf, parseTraceLine, SyscallEvent, SYSCALL_FILTER, writeSpan } from '../lib/syscall-trace';
import { COUNT, toolArg, toolNumber } from './tool-args';

const REPO_ROOT = join(__dirname, '..', '..');
const DEFAULT_SYSTEMS = ['nestrpc-json', 'nestrpc-json-bare-client', 'raw-json', 'nest-tcp'];
/** The measured window inside the span of a process's writes: past the warm-up, short of the end. */
const WINDOW_MARGIN_S = 0.25;
const FIGURES = ['readToWriteUs', 'writeUs', 'writeToSleepUs', 'asleepUs', 'wakeToReadUs'] as const;

interface ChildRecord {
  pid: number;
  system: string;
  role: string;
}

interface RoundFigures extends CallPath {
  system: string;
  role: string;
}

async function main(): Promise<void> {
  if (process.platform !== 'linux' || arch() !== 'x64') throw new Error(`system-call numbers are x86-64 Linux ones; this is ${process.platform} ${arch()}`);
  if (spawnSync('perf', ['--version']).status !== 0) throw new Error('perf is not installed (Debian: linux-perf)');
  const systems = (toolArg('only') ?? DEFAULT_SYSTEMS.join(',')).split(',');
  const cell = toolArg('cell') ?? 'small@1-pinned';
  // A call's read → write is only its own with one call in flight on the connection.
  const spec = findCell(cell);
  if (spec?.concurrency !== 1 || spec.kind !== 'unary') throw new Error(`--cell takes a cell with one call in flight (${allCells().filter((c) => c.concurrency === 1 && c.kind === 'unary').map((c) => c.id).join(', ')}), got "${cell}"`);
  const rounds = toolNumber('rounds', COUNT) ?? 3;
  const warmupS = 1; // the bench's full-mode warm-up (lib/options.ts), which the traced runs use
  const rows: RoundFigures[][] = [];
  const throughput: CellResult[][] = [];
  for (let round = 1; round <= rounds; round++) {
    process.stderr.write(`round ${round}/${rounds}: ${systems.join(', ')} in ${cell} under perf\n`);
    const { figures, results } = await tracedRun(systems, cell, warmupS);
    rows.push(figures);
    throughput.push(results);
  }
  const revision = gitRevision(join(REPO_ROOT, 'bench'));
  const results = systems.flatMap((system) =>
    ['server', 'client'].map((role) => {
      const mine = rows.map((r) => r.find((f) => f.system === system && f.role === role)).filter((f): f is RoundFigures => f !== undefined);
      const reqPerSec = throughput.map((r) => r.find((c) => c.system === system && c.cell === cell)?.reqPerSec).filter((v): v is number => v !== undefined);
      const figures = Object.fromEntries(FIGURES.map((f) => [f, round1(median(mine.map((m) => m[f])))])) as Record<(typeof FIGURES)[number], number>;
      return { system, role, rounds: mine.length, callsPerRound: Math.round(median(mine.map((m) => m.calls))), reqPerSec: Math.round(median(reqPerSec)), ...figures, perRound: mine.map(({ system: _s, role: _r, ...rest }) => rest) };
    }),
  );
  process.stdout.write(`\n${cell}, one call in flight, system calls traced (medians of ${rounds} rounds, each the median over its calls) on ${describeMachine(machineInfo())}\n\n`);
  process.stdout.write('| system | side | req/s (traced) | read → write | write | write → sleep | asleep | wake → read |\n|---|---|--:|--:|--:|--:|--:|--:|\n');
  for (const r of results) process.stdout.write(`| ${r.system} | ${r.role} | ${r.reqPerSec} | ${r.readToWriteUs} µs | ${r.writeUs} µs | ${r.writeToSleepUs} µs | ${r.asleepUs} µs | ${r.wakeToReadUs} µs |\n`);
  const out = toolArg('out');
  if (out !== undefined) {
    const file = { date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/critical-path.ts', commit: revision?.commit, dirty: revision?.dirty, cell, rounds, warmupS, windowMarginS: WINDOW_MARGIN_S, machine: machineInfo(), results };
    writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
    process.stdout.write(`\nwrote ${out}\n`);
  }
}

/** One bench run of `systems` in `cell` under perf; the figures of each child's main thread. */
async function tracedRun(systems: string[], cell: string, warmupS: number): Promise<{ figures: RoundFigures[]; results: CellResult[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'nestrpc-critical-path-'));
  try {
    const pidLog = join(dir, 'pids.jsonl');
    const data = join(dir, 'perf.data');
    const resultsPath = join(dir, 'results.json');
    const bench = [process.execPath, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(REPO_ROOT, 'bench', 'run.ts'), '--slice=0', '--rounds=1', `--only=${systems.join(',')}`, `--cells=${cell}`, `--pid-log=${pidLog}`, `--results-file=${resultsPath}`];
    // The bench logs to stderr; its results file is the tool's (in `dir`), its req/s kept here only.
    const run = spawnSync('perf', ['record', '-q', '-e', 'raw_syscalls:sys_enter,raw_syscalls:sys_exit', '--filter', SYSCALL_FILTER, '-a', '-o', data, '--', ...bench], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'ignore', 'pipe'] });
    if (run.status !== 0 || !existsSync(resultsPath)) throw new Error(`the traced bench run failed (status ${run.status}):\n${(run.stderr ?? '').slice(-2000)}`);
    const results = (JSON.parse(readFileSync(resultsPath, 'utf8')) as ResultsFile).results;
    const children = readFileSync(pidLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ChildRecord);
    const events = await mainThreadEvents(data, new Set(children.map((c) => c.pid)));
    const figures: RoundFigures[] = [];
    for (const child of children) {
      const mine = events.get(child.pid) ?? [];
      const span = writeSpan(mine);
      if (span === undefined) continue;
      const path = callPathOf(mine, span.first + warmupS + WINDOW_MARGIN_S, span.last - WINDOW_MARGIN_S);
      if (path !== undefined) figures.push({ system: child.system, role: child.role, ...path });
    }
    process.stderr.write(`  traced: ${figures.map((f) => `${f.system}/${f.role} ${f.calls} calls`).join(', ')}\n`);
    return { figures, results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The events of each given process's main thread (tid = pid), streamed out of `perf script`. */
async function mainThreadEvents(data: string, pids: Set<number>): Promise<Map<number, SyscallEvent[]>> {
  const script = spawn('perf', ['script', '-i', data, '-F', 'tid,time,event,trace'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const byTid = new Map<number, SyscallEvent[]>();
  for await (const line of createInterface({ input: script.stdout })) {
    const event = parseTraceLine(line);
    if (event === undefined || !pids.has(event.tid)) continue;
    let list = byTid.get(event.tid);
    if (list === undefined) byTid.set(event.tid, (list = []));
    list.push(event);
  }
  return byTid;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
