/**
 * CPU cost of one call's deadline, in ns per call, without sockets: arming it when the call goes
 * out and removing it when the answer comes, with `inFlight` calls pending at once (a ring: each
 * step settles the oldest and starts a new one), for a setTimeout + unref + clearTimeout per call
 * (what PendingCalls and ServerConnection did) and for one DeadlineQueue per connection (add +
 * remove; as the server uses it, and as the client does, keeping its timer when nothing is pending).
 * `--in-flight=1` is the worst case for the server's queue: it empties, so its timer is cleared, every call. 30 s timeouts, so nothing expires. Also the entries the queue holds afterwards: the
 * calls in flight, never the calls made. CPU time of this process, medians of interleaved rounds.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/deadline-cost.ts [--calls=500000] [--rounds=7] [--in-flight=1,64,512] [--out=bench/results/<file>.json]
 */
import { writeFileSync } from 'fs';
import { execSync } from 'child_process';
// Internal (not public API): the queue the connections use.
import { Deadline, DeadlineQueue } from '@nestrpc/transport/connection/deadline-queue';
import { describeMachine, machineInfo } from '../lib/machine';
import { COUNT, interleavedMedians, toolArg, toolNumber } from './tool-args';

const TIMEOUT_MS = 30_000;
/** deadline-queue: as ServerConnection uses it (timer cleared when nothing is pending); -keep: as PendingCalls (client) does. */
type Variant = 'setTimeout' | 'deadline-queue' | 'deadline-queue-keep';
const VARIANTS: readonly Variant[] = ['setTimeout', 'deadline-queue', 'deadline-queue-keep'];

let fired = 0;
const onTimeout = (): void => void fired++;

function timersPerCall(calls: number, inFlight: number): number {
  const ring: (NodeJS.Timeout | undefined)[] = new Array(inFlight).fill(undefined);
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const slot = i % inFlight;
    const old = ring[slot];
    if (old !== undefined) clearTimeout(old);
    const timer = setTimeout(onTimeout, TIMEOUT_MS);
    timer.unref();
    ring[slot] = timer;
  }
  const used = process.cpuUsage(started);
  for (const timer of ring) if (timer !== undefined) clearTimeout(timer);
  return ((used.user + used.system) * 1e3) / calls;
}

function queuePerCall(calls: number, inFlight: number, clearTimerWhenEmpty: boolean): { ns: number; held: number } {
  const queue = new DeadlineQueue<number>(onTimeout, { clearTimerWhenEmpty });
  const ring: (Deadline<number> | undefined)[] = new Array(inFlight).fill(undefined);
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const slot = i % inFlight;
    const old = ring[slot];
    if (old !== undefined) queue.remove(old);
    ring[slot] = queue.add(i, TIMEOUT_MS);
  }
  const used = process.cpuUsage(started);
  const held = queue.size;
  queue.clear();
  return { ns: ((used.user + used.system) * 1e3) / calls, held };
}

function measure(calls: number, rounds: number, inFlight: number) {
  let held = 0;
  const medians = interleavedMedians(rounds, VARIANTS, (variant) => {
    if (variant === 'setTimeout') return { ns: timersPerCall(calls, inFlight) };
    const run = queuePerCall(calls, inFlight, variant === 'deadline-queue');
    held = run.held;
    return { ns: run.ns };
  });
  return {
    inFlight,
    setTimeoutNsPerCall: Math.round(medians.get('setTimeout')!.ns),
    deadlineQueueNsPerCall: Math.round(medians.get('deadline-queue')!.ns),
    deadlineQueueKeepTimerNsPerCall: Math.round(medians.get('deadline-queue-keep')!.ns),
    deadlineQueueEntriesHeld: held,
  };
}

function main(): void {
  const calls = toolNumber('calls', COUNT) ?? 500_000;
  const rounds = toolNumber('rounds', COUNT) ?? 7;
  const inFlights = (toolArg('in-flight') ?? '1,64,512').split(',').map(Number);
  const results = inFlights.map((inFlight) => measure(calls, rounds, inFlight));
  process.stdout.write(`deadline cost per call (median of ${rounds} rounds × ${calls} calls) on ${describeMachine(machineInfo())}\n\n`);
  process.stdout.write('| in flight | setTimeout + clearTimeout | DeadlineQueue, server (timer cleared when empty) | DeadlineQueue, client (timer kept) | entries held after the run |\n|--:|--:|--:|--:|--:|\n');
  for (const r of results) process.stdout.write(`| ${r.inFlight} | ${r.setTimeoutNsPerCall} ns | ${r.deadlineQueueNsPerCall} ns | ${r.deadlineQueueKeepTimerNsPerCall} ns | ${r.deadlineQueueEntriesHeld} |\n`);
  const out = toolArg('out');
  const commit = execSync('git rev-parse --short HEAD').toString().trim();
  if (out !== undefined) writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/deadline-cost.ts', commit, calls, rounds, timeoutMs: TIMEOUT_MS, machine: machineInfo(), results }, null, 2)}\n`);
  if (fired !== 0) process.stdout.write(`(unexpected: ${fired} timeouts fired)\n`);
}

main();
