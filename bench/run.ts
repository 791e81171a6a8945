/**
 * nestrpc benchmark: every system (bench/systems) as a server process + a client process on
 * loopback, every cell (payload × calls in flight) measured in one invocation.
 *
 *   npm run bench                  full run (~5-6 min on 2 cores), updates bench/README.md
 *   npm run bench -- --quick       < 3 min
 *   npm run bench -- --only=raw-echo --duration=1 --quick     smoke run
 *   npm run bench -- --profile --only=nestrpc-json --cells=small@64,small@512
 *
 * Prints the results and targets as markdown and writes bench/results/<date>[-<mode>].json.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'fs';
import { join, relative } from 'path';
import { performance } from 'perf_hooks';
import { aggregateRuns } from './lib/aggregate';
import { buildForRun } from './lib/build';
import { CellResult } from './lib/cells';
import { killAllChildren } from './lib/child';
import { describeMachine, machineInfo } from './lib/machine';
import { BenchOptions, parseOptions } from './lib/options';
import { resultsTable, targetsTable } from './lib/report';
import { runSystem } from './lib/system-run';
import { evaluateTargets } from './lib/targets';

const BENCH_DIR = __dirname;
const DRAIN_MS = 2_000;
const GRACE_MS = 5_000;
const STARTUP_TIMEOUT_MS = 30_000;
const README_START = '<!-- latest-results:start -->';
const README_END = '<!-- latest-results:end -->';

function installCleanup(): void {
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping every benchmark process\n`);
      killAllChildren();
      process.exit(130);
    });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  installCleanup();
  const machine = machineInfo();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const profileDir = options.profile ? join(BENCH_DIR, 'profiles') : undefined;
  log(`nestrpc bench (${options.mode}): ${options.systems.length} systems × ${options.cells.length} cells × ${options.rounds} rounds, warm-up ${options.warmupMs} ms, window ${options.windowMs} ms`);
  log(`machine: ${describeMachine(machine)}`);

  const buildDir = buildForRun(join(BENCH_DIR, '..'));
  const started = performance.now();
  // Systems interleaved within each round (A B C A B C), so a slow phase of a noisy machine
  // lands on every system instead of on whichever ran then.
  const rounds: CellResult[][] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const results: CellResult[] = [];
    for (const system of options.systems) {
      log(`${system.name}${options.rounds > 1 ? ` (round ${round}/${options.rounds})` : ''}:`);
      const systemResults = await runSystem(system, options.cells, {
        buildDir,
        warmupMs: options.warmupMs,
        windowMs: options.windowMs,
        drainMs: DRAIN_MS,
        graceMs: GRACE_MS,
        startupTimeoutMs: STARTUP_TIMEOUT_MS,
        profileDir,
        verbose: options.verbose,
        log,
      });
      results.push(...systemResults);
    }
    rounds.push(results);
  }
  const results = aggregateRuns(rounds);
  const elapsedS = Math.round((performance.now() - started) / 1000);

  const targets = evaluateTargets(results);
  const table = resultsTable(results, options.systems, options.cells);
  const targetTable = targetsTable(targets);
  const date = new Date().toISOString().slice(0, 10);
  process.stdout.write(`\n## Results (${options.mode}, ${date}, ${elapsedS} s)\n\nMachine: ${describeMachine(machine)}\n\n${table}\n\n## Targets\n\n${targetTable}\n`);

  const file = saveResults(options, date, { date: new Date().toISOString(), mode: options.mode, elapsedS, commit: gitCommit(), options: summaryOf(options), machine, systems: options.systems.map(({ name, label, family }) => ({ name, label, family })), results, targets });
  log(`\nwrote ${relative(process.cwd(), file)}`);
  if (options.complete && options.mode === 'full' && !options.profile) {
    updateReadme(`Latest full run (${date}, commit ${gitCommit() ?? 'unknown'}, ${options.rounds} interleaved rounds, ${elapsedS} s) on ${describeMachine(machine)}. Raw data: \`${relative(BENCH_DIR, file)}\`.\n\n${table}\n\n### Targets\n\n${targetTable}`);
    log('updated bench/README.md');
  }
  if (profileDir) log(`CPU profiles in ${relative(process.cwd(), profileDir)}; summarize with: node -r ts-node/register/transpile-only bench/tools/profile-top.ts <file.cpuprofile>`);
}

/** The commit measured (with `+dirty` when the tree had changes), so quoted figures can be traced. */
function gitCommit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../libs', '.', ':(exclude)results'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return undefined;
  }
}

function summaryOf(options: BenchOptions): Record<string, unknown> {
  return { warmupMs: options.warmupMs, windowMs: options.windowMs, rounds: options.rounds, cells: options.cells.map((c) => c.id), profile: options.profile, complete: options.complete };
}

/** Full runs of everything are `<date>.json`; quick or partial runs get a suffix so they never replace one. */
function saveResults(options: BenchOptions, date: string, data: unknown): string {
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const suffix = [options.mode === 'quick' ? 'quick' : '', options.complete ? '' : 'partial', options.profile ? 'profile' : ''].filter(Boolean).join('-');
  const file = join(dir, `${date}${suffix ? `-${suffix}` : ''}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

function updateReadme(section: string): void {
  const path = join(BENCH_DIR, 'README.md');
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return;
  writeFileSync(path, `${text.slice(0, start + README_START.length)}\n${section}\n${text.slice(end)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  killAllChildren();
  process.exit(1);
});
