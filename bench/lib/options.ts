import { allCells, CellSpec } from './cells';
import { SYSTEMS, SystemEntry } from '../systems';
import type { ResultsFile } from './results-file';

export interface BenchOptions {
  mode: 'quick' | 'full';
  systems: SystemEntry[];
  cells: CellSpec[];
  warmupMs: number;
  windowMs: number;
  /** Repetitions of every cell; systems are interleaved within each round (A B C A B C). */
  rounds: number;
  /** Sliced cells: how long each system's turn is measured, and the unmeasured ramp before (lib/sliced-run.ts). */
  sliceMs: number;
  rampMs: number;
  profile: boolean;
  /** With `profile`: V8's sampling interval in µs (`--cpu-prof-interval`); undefined keeps V8's 1 000. */
  profileIntervalUs?: number;
  verbose: boolean;
  /** `--pid-log=<file>`: every child's pid, system and role appended as a JSON line (tools that trace the children). */
  pidLog?: string;
  /** `--results-file=<file>`: where the results file goes instead of bench/results/ (tools that run the bench for their own figures). */
  resultsFile?: string;
  /** True when every system and cell runs (only then are results/README treated as the reference run). */
  complete: boolean;
}

const USAGE = `Usage: npm run bench -- [--quick] [--only=<system,...>] [--cells=<cell,...>] [--duration=<s>] [--warmup=<s>] [--rounds=<n>] [--slice=<s>] [--ramp=<s>] [--profile] [--profile-interval=<µs>] [--pid-log=<file>] [--results-file=<file>] [--verbose]
  systems: ${SYSTEMS.map((s) => s.name).join(', ')}
  cells:   ${allCells().map((c) => c.id).join(', ')}`;

/**
 * A full run is 97 system × cell pairs × 3 rounds: at 1 s + 4 s per cell it takes ~30 min
 * (lib/plan.ts estimates it); at 1.5 s + 5 s it would be ~35. Three 4 s windows per cell are still 12 s of measurement against the
 * issue's single 5 s, and a cell that does not repeat within 20 % is marked, not quoted.
 */
const WINDOW_MS = { quick: 2_000, full: 4_000 } as const;
const WARMUP_MS = { quick: 700, full: 1_000 } as const;
/**
 * Turns of a sliced cell: 8 per 4 s window. Short enough that a slow phase of the machine (they
 * last seconds) spans every system of the cell; long enough that the ramp-up and the settling
 * at either end of a turn (one round trip at 1 in flight, a few ms at 512) stay a small part of it.
 */
const SLICE_MS = { quick: 500, full: 500 } as const;
/**
 * The unmeasured start of every turn: the closed loop going from nothing in flight to its
 * number, on caches another system just used, is left out as a window leaves out its warm-up.
 * With three systems in small × 64 / × 512 it made no difference to req/s or p99
 * (bench/results/2026-12-02-ramp-0.json against -ramp-0.05.json); the p99 inflation first blamed
 * on it was the idle systems' memory reducer (lib/child.ts).
 */
const RAMP_MS = { quick: 50, full: 50 } as const;
/** A full run repeats every cell 3 times so medians and spreads can be reported; quick is a smoke run. */
const ROUNDS = { quick: 1, full: 3 } as const;

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) fail(`Unexpected argument "${arg}"`);
    flags.set(match[1], match[2] ?? 'true');
  }
  for (const name of flags.keys()) {
    if (!['quick', 'only', 'cells', 'duration', 'warmup', 'rounds', 'slice', 'ramp', 'profile', 'profile-interval', 'pid-log', 'results-file', 'verbose', 'help'].includes(name)) fail(`Unknown option --${name}`);
  }
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const mode = flags.has('quick') ? 'quick' : 'full';
  const systems = pick(flags.get('only'), SYSTEMS, (s) => s.name, 'system');
  const sliceMs = seconds(flags.get('slice'), SLICE_MS[mode], '--slice');
  // --slice=0: every cell system by system, each in processes of its own (how runs went before 2026-12-02).
  const cells = pick(flags.get('cells'), allCells(), (c) => c.id, 'cell').map((cell) => (sliceMs > 0 ? cell : { ...cell, sliced: false }));
  return {
    mode,
    systems,
    cells,
    windowMs: seconds(flags.get('duration'), WINDOW_MS[mode], '--duration'),
    warmupMs: seconds(flags.get('warmup'), WARMUP_MS[mode], '--warmup'),
    rounds: count(flags.get('rounds'), ROUNDS[mode], '--rounds'),
    sliceMs,
    rampMs: seconds(flags.get('ramp'), RAMP_MS[mode], '--ramp'),
    // A sampling interval implies profiling: 1 ms samples are too coarse for a call of ~100 µs.
    profile: flags.has('profile') || flags.has('profile-interval'),
    profileIntervalUs: flags.has('profile-interval') ? count(flags.get('profile-interval'), 1_000, '--profile-interval') : undefined,
    verbose: flags.has('verbose'),
    pidLog: flags.get('pid-log'),
    resultsFile: flags.get('results-file'),
    complete: systems.length === SYSTEMS.length && cells.length === allCells().length,
  };
}

/** What a results file records of the options it ran with (enough to tell how it was taken). */
export function recordedOptions(options: BenchOptions): ResultsFile['options'] {
  const { warmupMs, windowMs, sliceMs, rampMs, rounds, profile, profileIntervalUs, complete } = options;
  return { warmupMs, windowMs, sliceMs, rampMs, rounds, cells: options.cells.map((c) => c.id), profile, ...(profileIntervalUs === undefined ? {} : { profileIntervalUs }), complete };
}

function pick<T>(list: string | undefined, all: readonly T[], name: (item: T) => string, what: string): T[] {
  if (list === undefined) return [...all];
  const wanted = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const w of wanted) if (!all.some((item) => name(item) === w)) fail(`Unknown ${what} "${w}"`);
  return all.filter((item) => wanted.includes(name(item)));
}

function seconds(value: string | undefined, fallbackMs: number, flag: string): number {
  if (value === undefined) return fallbackMs;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) fail(`${flag} takes a number of seconds, got "${value}"`);
  return Math.round(parsed * 1000);
}

function count(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) fail(`${flag} takes a whole number ≥ 1, got "${value}"`);
  return parsed;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}
