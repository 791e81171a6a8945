/**
 * nestrpc benchmark: every system (bench/systems) as a server process + a client process on
 * loopback, every cell (payload × calls in flight) measured in one invocation.
 *
 *   npm run bench                  full run (~30 min on 2 cores; the estimate is printed first)
 *   npm run bench -- --quick       one round, short windows
 *   npm run bench -- --only=raw-echo --duration=1 --quick     smoke run
 *   npm run bench -- --profile --only=nestrpc-json --cells=small@64,small@512
 *
 * Prints the results and targets as markdown and writes bench/results/<date>[-<mode>].json (or
 * the --results-file); a complete full run written there also rewrites the generated blocks of docs/benchmark.md and README.md.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join, relative } from 'path';
import { performance } from 'perf_hooks';
import { pinningUnavailable } from './lib/affinity';
import { aggregateRuns } from './lib/aggregate';
import { buildForRun } from './lib/build';
import { CellResult } from './lib/cells';
import { killAllChildren } from './lib/child';
import { renderLatestBlock } from './lib/docs-blocks';
import { describeMachine, machineInfo } from './lib/machine';
import { BenchOptions, parseOptions, recordedOptions } from './lib/options';
import { byCell, estimateDurationMs, formatDuration, planRun, runOrder } from './lib/plan';
import { publishResults } from './lib/publish';
import { gitRevision, ResultsFile } from './lib/results-file';
import { runSlicedCell } from './lib/sliced-run';
import { RunConfig, runSystem } from './lib/system-run';
import { evaluateTargets } from './lib/targets';

const BENCH_DIR = __dirname;
const REPO_ROOT = join(BENCH_DIR, '..');
const DRAIN_MS = 2_000;
const GRACE_MS = 5_000;
const STARTUP_TIMEOUT_MS = 30_000;

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
  const revision = gitRevision(BENCH_DIR);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const profileDir = options.profile ? join(BENCH_DIR, 'profiles') : undefined;
  const plans = planRun(options.systems, options.cells);
  const measured = plans.reduce((sum, plan) => sum + plan.cells.length, 0);
  const estimateMs = estimateDurationMs(plans, options);
  log(`nestrpc bench (${options.mode}): ${options.systems.length} systems, ${measured} system × cell pairs × ${options.rounds} rounds, warm-up ${options.warmupMs} ms, window ${options.windowMs} ms`);
  log(`estimated duration: ~${formatDuration(estimateMs)} (plus ~7 s and a restart per stalled cell)`);
  log(`machine: ${describeMachine(machine)}; ${revision ? `commit ${revision.commit}${revision.dirty ? ' with uncommitted changes' : ''}` : 'commit unknown'}`);
  const pin = options.cells.find((cell) => cell.pin !== undefined)?.pin;
  const pinning = pin === undefined ? undefined : pinningUnavailable(pin);
  if (pinning !== undefined) log(`pinned cells n/a: ${pinning}`);

  const buildDir = buildForRun(REPO_ROOT);
  const started = performance.now();
  const config: RunConfig = {
    buildDir,
    warmupMs: options.warmupMs,
    windowMs: options.windowMs,
    sliceMs: options.sliceMs,
    rampMs: options.rampMs,
    drainMs: DRAIN_MS,
    graceMs: GRACE_MS,
    startupTimeoutMs: STARTUP_TIMEOUT_MS,
    profileDir,
    profileIntervalUs: options.profileIntervalUs,
    pinningUnavailable: pinning,
    verbose: options.verbose,
    pidLog: options.pidLog,
    log,
  };
  // Each round goes cell by cell. A sliced cell runs all its systems at once, taking turns in
  // slices (lib/sliced-run.ts); any other cell runs system by system (A B C, A B C), each in
  // processes of its own, seconds apart (lib/plan.ts runOrder).
  const rounds: CellResult[][] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const results: CellResult[] = [];
    const of = options.rounds > 1 ? ` (round ${round}/${options.rounds})` : '';
    for (const { cell, systems } of byCell(runOrder(plans, options.cells))) {
      if (cell.sliced === true) {
        log(`${cell.id}${of}: ${systems.length} systems in turns of ${options.sliceMs} ms`);
        results.push(...(await runSlicedCell(systems, cell, config)));
        continue;
      }
      for (const system of systems) {
        log(`${system.name} ${cell.id}${of}:`);
        results.push(...(await runSystem(system, [cell], config)));
      }
    }
    rounds.push(results);
  }
  const results = [...aggregateRuns(rounds), ...plans.flatMap((plan) => plan.skipped)];
  const elapsedS = Math.round((performance.now() - started) / 1000);

  const date = new Date().toISOString();
  const file: ResultsFile = {
    date,
    mode: options.mode,
    elapsedS,
    commit: revision?.commit,
    dirty: revision?.dirty,
    options: recordedOptions(options),
    machine,
    systems: options.systems.map(({ name, label, family, cells, comparedWith }) => ({ name, label, family, cells, comparedWith })),
    results,
    targets: evaluateTargets(results),
  };
  const path = saveResults(options, date.slice(0, 10), file);
  const fileName = relative(REPO_ROOT, path);
  process.stdout.write(`\n## Results (${options.mode})\n\n${renderLatestBlock(file, fileName)}\n`);
  log(`\nwrote ${fileName}`);
  log(`elapsed: ${formatDuration(elapsedS * 1000)} (estimated ${formatDuration(estimateMs)})`);
  if (options.complete && options.mode === 'full' && !options.profile && options.resultsFile === undefined) for (const line of publishResults(REPO_ROOT, file, fileName)) log(line);
  if (profileDir) log(`CPU profiles in ${relative(process.cwd(), profileDir)}; summarize with: node -r ts-node/register/transpile-only bench/tools/profile-top.ts <file.cpuprofile>`);
}

/** Full runs of everything are `<date>.json`; quick or partial runs get a suffix so they never replace one (`--results-file` puts it elsewhere). */
function saveResults(options: BenchOptions, date: string, data: ResultsFile): string {
  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const suffix = [options.mode === 'quick' ? 'quick' : '', options.complete ? '' : 'partial', options.profile ? 'profile' : ''].filter(Boolean).join('-');
  const file = options.resultsFile ?? join(dir, `${date}${suffix ? `-${suffix}` : ''}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  killAllChildren();
  process.exit(1);
});
