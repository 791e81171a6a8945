/**
 * What a settled call's record costs when it still holds its caller, over a real loopback
 * connection: `inFlight` closed-loop callers awaiting promises (an RpcClient's `publish()` with a
 * Promise around its callback), 16 KiB msgpack answers (the bench's large payload), an RpcServer
 * with an echo handler, both in this process. Variants, interleaved per round:
 * - `settled`: the current code, where `settle()` lets go of the callback before calling it;
 * - `kept`: what 0.1 did, the record keeping its callback (and so the caller's promise and its
 *   answer) after the call settled.
 * Per call: process CPU (µs), time in GC (µs) and full (mark-compact) collections per 1000
 * calls, medians of interleaved rounds. A kept record that was promoted to the old generation
 * while its call was in flight keeps the answer alive through young-generation collections, so
 * every such answer is promoted and then needs a full collection.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/settled-call-cost.ts [--seconds=3] [--rounds=5] [--in-flight=64] [--out=bench/results/<file>.json]
 */
import { writeFileSync } from 'fs';
import { execSync } from 'child_process';
import { PerformanceEntry, PerformanceObserver, constants as perfConstants } from 'perf_hooks';
import { RpcServer } from '@nestrpc/transport';
// Internal (not public API): the function whose behaviour the `kept` variant puts back.
import * as pendingCalls from '@nestrpc/transport/client/pending-calls';
import { PendingCall } from '@nestrpc/transport/client/pending-calls';
import { WritePacket } from '@nestjs/microservices';
import { buildPayload } from '../lib/payloads';
import { PromiseRpcClient } from '../systems/promise-rpc-client';
import { describeMachine, machineInfo } from '../lib/machine';
import { COUNT, interleavedMediansAsync, toolArg, toolNumber } from './tool-args';

type Variant = 'settled' | 'kept';
const VARIANTS: readonly Variant[] = ['settled', 'kept'];

const settleNow = pendingCalls.settle;
// client-connection.ts calls settle() through its module's exports object (CommonJS), so
// replacing the export swaps the behaviour for every connection; main() puts it back.
/** 0.1: the callback is called and stays on the record. */
const keepCallback = (call: PendingCall, packet: WritePacket): void => call.callback(packet);

let gcMs = 0;
let fullCollections = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) fullCollections++;
  }
});

async function run(client: PromiseRpcClient, variant: Variant, seconds: number, inFlight: number): Promise<Record<'cpuUs' | 'gcUs' | 'fullPer1000', number>> {
  (pendingCalls as { settle: typeof settleNow }).settle = variant === 'kept' ? keepCallback : settleNow;
  const payload = buildPayload('large');
  let calls = 0;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      await client.request('echo', payload);
      calls++;
    }
  };
  const workers = Array.from({ length: inFlight }, worker);
  await new Promise((resolve) => setTimeout(resolve, 500)); // warm-up
  // GC entries arrive a turn late: the warm-up's land before the reset. A collection at the
  // window's end may be counted in the next run's warm-up instead, which the reset drops.
  await new Promise((resolve) => setImmediate(resolve));
  gcMs = 0;
  fullCollections = 0;
  const before = calls;
  const cpu = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(cpu);
  const made = calls - before;
  const [gcDuring, fullDuring] = [gcMs, fullCollections];
  running = false;
  await Promise.all(workers);
  return { cpuUs: (used.user + used.system) / made, gcUs: (gcDuring * 1000) / made, fullPer1000: (fullDuring * 1000) / made };
}

async function main(): Promise<void> {
  const seconds = toolNumber('seconds', { positive: true }) ?? 3;
  const rounds = toolNumber('rounds', COUNT) ?? 5;
  const inFlight = toolNumber('in-flight', COUNT) ?? 64;
  gcObserver.observe({ entryTypes: ['gc'] });
  const server = new RpcServer({ host: '127.0.0.1', port: 0 });
  server.addHandler('echo', async (payload: unknown) => payload, false);
  await new Promise<void>((resolve) => server.listen(() => resolve()));
  const client = new PromiseRpcClient({ host: '127.0.0.1', port: server.address().port, serializer: 'msgpack' });
  await client.connect();
  try {
    const medians = await interleavedMediansAsync(rounds, VARIANTS, (variant) => run(client, variant, seconds, inFlight));
    const results = VARIANTS.map((variant) => {
      const m = medians.get(variant)!;
      return { variant, cpuUsPerCall: round2(m.cpuUs), gcUsPerCall: round2(m.gcUs), fullCollectionsPer1000Calls: round2(m.fullPer1000) };
    });
    process.stdout.write(`settled call records, ${inFlight} promise callers in flight, 16 KiB msgpack answers, client and server in one process (median of ${rounds} rounds × ${seconds} s) on ${describeMachine(machineInfo())}\n\n`);
    process.stdout.write('| record after its call settled | CPU per call | GC per call | full collections per 1000 calls |\n|---|--:|--:|--:|\n');
    for (const r of results) process.stdout.write(`| ${r.variant === 'settled' ? 'lets go of the callback (current)' : 'keeps the callback (0.1)'} | ${r.cpuUsPerCall} µs | ${r.gcUsPerCall} µs | ${r.fullCollectionsPer1000Calls} |\n`);
    const out = toolArg('out');
    const commit = execSync('git rev-parse --short HEAD').toString().trim();
    const dirty = execSync('git status --porcelain').toString().trim() !== '';
    if (out !== undefined) writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/settled-call-cost.ts', commit, dirty, seconds, rounds, inFlight, payload: 'large (16 KiB)', serializer: 'msgpack', machine: machineInfo(), results }, null, 2)}\n`);
  } finally {
    (pendingCalls as { settle: typeof settleNow }).settle = settleNow;
    gcObserver.disconnect();
    await client.close();
    await server.close();
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
