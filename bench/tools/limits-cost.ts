/**
 * CPU cost of the overload limiter on one call's path, in ns per call, without sockets: what
 * server-connection.ts does per request when `limits` is set (admit before the handler, release
 * on settle), with the bench's `nestrpc-json-limits` configuration (every limit on, none reached:
 * global and per-pattern concurrency, per-pattern bucket, per-caller and per-caller-and-pattern
 * buckets), against the same loop with no limiter. CPU time of this process, medians of
 * interleaved rounds, like hook-cost.ts.
 *
 * With `--expose-gc --min-semi-space-size=128 --max-semi-space-size=128` it also reports the heap
 * bytes allocated per call (no scavenge runs within the 100 000 calls measured): what the limiter
 * adds to the young generation's churn, which is what makes V8 grow it (and the server's RSS).
 *
 *   node [--expose-gc --min-semi-space-size=128 --max-semi-space-size=128] -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/limits-cost.ts [--calls=500000] [--rounds=7] [--out=bench/results/<file>.json] [--baseline=<earlier out file>]
 */
import { readFileSync, writeFileSync } from 'fs';
import { execSync } from 'child_process';
import { RpcContext, RpcServerLimits } from '@nestrpc/transport';
// Internals the transport's call path uses (not public API): the tool replays that path exactly.
import { CallLimiter } from '@nestrpc/transport/server/limits/call-limiter';
import { CallerCache } from '@nestrpc/transport/server/limits/caller-cache';
import { ServerCallState } from '@nestrpc/transport/server/rpc.context';
import { FrameMetadata } from '@nestrpc/transport/protocol';
import { describeMachine, machineInfo } from '../lib/machine';
import { COUNT, interleavedMedians, toolArg, toolNumber } from './tool-args';

/** Same as bench/systems/nestrpc.ts UNREACHED_LIMITS. */
const UNREACHED_LIMITS: RpcServerLimits = {
  maxConcurrentCalls: 1_000_000,
  perCaller: { perSecond: 1e9, burst: 1e9 },
  methods: Object.fromEntries(['echo', 'stream'].map((pattern) => [pattern, { maxConcurrent: 1_000_000, rate: { perSecond: 1e9, burst: 1e9 }, perCaller: { perSecond: 1e9, burst: 1e9 } }])),
};

type Variant = 'none' | 'limits';
const VARIANTS: readonly Variant[] = ['none', 'limits'];
const PEER = '127.0.0.1:40000';

let sink = 0;

/** One request as server-connection.ts handles it: call state, context, admit (with the connection's caller cache), handler, release. */
function runCalls(limiter: CallLimiter | undefined, calls: number): number {
  const started = process.cpuUsage();
  callLoop(limiter, calls);
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1e3) / calls;
}

/** Heap bytes allocated per call, when the process was started with --expose-gc and a young generation large enough for `calls`. */
function bytesPerCall(limiter: CallLimiter | undefined, calls: number): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  let least = Infinity;
  // The least of 3: the first may include feedback vectors and other one-off allocations.
  for (let i = 0; i < 3; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    callLoop(limiter, calls);
    least = Math.min(least, process.memoryUsage().heapUsed - before);
  }
  return Math.round(least / calls);
}

function callLoop(limiter: CallLimiter | undefined, calls: number): void {
  // One connection's cache, as ServerConnection keeps it.
  const cache = new CallerCache();
  for (let i = 0; i < calls; i++) {
    // A fresh (not interned) string per call, as the decoder produces one per frame: the limiter's Map lookups hash it.
    const meta: FrameMetadata = { pattern: String.fromCharCode(101, 99, 104, 111), timeoutMs: 30_000 };
    const call: ServerCallState = { seq: i + 1, peer: PEER, identity: undefined, receivedAt: 0, idempotent: false, controller: undefined, cancelled: false };
    const context = new RpcContext(meta, call);
    if (limiter === undefined) {
      sink += context.getSequenceId();
      continue;
    }
    const permit = limiter.admit(meta.pattern ?? '', context, cache);
    if (permit instanceof Error) throw permit;
    sink += context.getSequenceId();
    permit.release();
  }
}

function main(): void {
  const calls = toolNumber('calls', COUNT) ?? 500_000;
  const rounds = toolNumber('rounds', COUNT) ?? 7;
  const medians = interleavedMedians(rounds, VARIANTS, (variant) => ({ ns: runCalls(variant === 'none' ? undefined : new CallLimiter(UNREACHED_LIMITS), calls) }));
  const none = medians.get('none')!.ns;
  const limits = medians.get('limits')!.ns;
  const noneBytes = bytesPerCall(undefined, 100_000);
  const limitsBytes = bytesPerCall(new CallLimiter(UNREACHED_LIMITS), 100_000);
  const allocated = noneBytes === undefined || limitsBytes === undefined ? {} : { noneBytesPerCall: noneBytes, limitsBytesPerCall: limitsBytes, addedBytesPerCall: limitsBytes - noneBytes };
  const result = { noneNsPerCall: Math.round(none), limitsNsPerCall: Math.round(limits), addedNsPerCall: Math.round(limits - none), ...allocated };
  process.stdout.write(`limiter cost per call (median of ${rounds} rounds × ${calls} calls) on ${describeMachine(machineInfo())}\n`);
  process.stdout.write(`no limiter ${result.noneNsPerCall} ns, every limit on (none reached) ${result.limitsNsPerCall} ns: +${result.addedNsPerCall} ns per call\n`);
  if (limitsBytes !== undefined) process.stdout.write(`heap allocated per call: no limiter ${noneBytes} B, limits ${limitsBytes} B\n`);
  const out = toolArg('out');
  const baseline = toolArg('baseline');
  const commit = execSync('git rev-parse --short HEAD').toString().trim();
  const before = baseline === undefined ? undefined : (JSON.parse(readFileSync(baseline, 'utf8')) as { commit: string; result: unknown });
  if (out !== undefined) {
    const body = { date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/limits-cost.ts', commit, calls, rounds, machine: machineInfo(), limits: UNREACHED_LIMITS, result, ...(before === undefined ? {} : { before: { commit: before.commit, result: before.result } }) };
    writeFileSync(out, `${JSON.stringify(body, null, 2)}\n`);
  }
  if (sink === -1) process.stdout.write('');
}

main();
