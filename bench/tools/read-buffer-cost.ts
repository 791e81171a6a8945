/**
 * What reading into the process-wide shared buffer saves a client, against Node's default of a
 * fresh 64 KiB buffer per read: `inFlight` closed-loop callers (`firstValueFrom(client.send())`,
 * as in the bench), 16 KiB msgpack echoes (the bench's large payload), an RpcServer with an echo
 * handler in a child process, so the CPU read here is the client's alone. Variants, interleaved
 * per round, each with its own connection:
 * - `shared`: the current client (every built-in serializer keeps no view of a body);
 * - `fresh`: the same client with a msgpack serializer that does not say so
 *   (`keepsNoBodyView = false`), which makes the client read as Node does by default.
 * Per call: the client process's user and system CPU and its time in GC (µs), medians of
 * interleaved rounds.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/read-buffer-cost.ts [--seconds=3] [--rounds=5] [--in-flight=64] [--out=bench/results/<file>.json]
 */
import { ChildProcess, execSync, fork } from 'child_process';
import { once } from 'events';
import { writeFileSync } from 'fs';
import { PerformanceObserver } from 'perf_hooks';
import { firstValueFrom } from 'rxjs';
import { MsgpackSerializer, RpcClient, RpcServer } from '@nestrpc/transport';
import { buildPayload } from '../lib/payloads';
import { describeMachine, machineInfo } from '../lib/machine';
import { COUNT, interleavedMediansAsync, toolArg, toolNumber } from './tool-args';

type Variant = 'shared' | 'fresh';
const VARIANTS: readonly Variant[] = ['shared', 'fresh'];

/** msgpack as built in, but not claiming that its values never view the body: the client reads into fresh buffers. */
class FreshReadsMsgpack extends MsgpackSerializer {
  override readonly keepsNoBodyView = false;
}

let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});

async function run(client: RpcClient, seconds: number, inFlight: number): Promise<Record<'userUs' | 'systemUs' | 'gcUs', number>> {
  const payload = buildPayload('large');
  let calls = 0;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      await firstValueFrom(client.send('echo', payload));
      calls++;
    }
  };
  const workers = Array.from({ length: inFlight }, worker);
  await new Promise((resolve) => setTimeout(resolve, 500)); // warm-up
  await new Promise((resolve) => setImmediate(resolve)); // GC entries arrive a turn late: the warm-up's land before the reset
  gcMs = 0;
  const before = calls;
  const cpu = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(cpu);
  const made = calls - before;
  const gcDuring = gcMs;
  running = false;
  await Promise.all(workers);
  return { userUs: used.user / made, systemUs: used.system / made, gcUs: (gcDuring * 1000) / made };
}

/** The child: an echo server on a free loopback port, reported to the parent; it ends when the parent disconnects. */
async function serve(): Promise<void> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0 });
  server.addHandler('echo', async (payload: unknown) => payload, false);
  await new Promise<void>((resolve) => server.listen(() => resolve()));
  process.once('disconnect', () => void server.close());
  process.send?.({ port: server.address().port });
}

async function main(): Promise<void> {
  const seconds = toolNumber('seconds', { positive: true }) ?? 3;
  const rounds = toolNumber('rounds', COUNT) ?? 5;
  const inFlight = toolNumber('in-flight', COUNT) ?? 64;
  const child: ChildProcess = fork(__filename, ['--serve'], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const clients: Record<Variant, RpcClient> = {
    shared: new RpcClient({ host: '127.0.0.1', port, serializer: 'msgpack' }),
    fresh: new RpcClient({ host: '127.0.0.1', port, serializer: new FreshReadsMsgpack() }),
  };
  gcObserver.observe({ entryTypes: ['gc'] });
  try {
    await Promise.all(VARIANTS.map((v) => clients[v].connect()));
    const medians = await interleavedMediansAsync(rounds, VARIANTS, (variant) => run(clients[variant], seconds, inFlight));
    const results = VARIANTS.map((variant) => {
      const m = medians.get(variant)!;
      return { variant, cpuUsPerCall: round2(m.userUs + m.systemUs), userUsPerCall: round2(m.userUs), systemUsPerCall: round2(m.systemUs), gcUsPerCall: round2(m.gcUs) };
    });
    process.stdout.write(`client reads, ${inFlight} callers in flight, 16 KiB msgpack echoes, server in a child process (median of ${rounds} rounds × ${seconds} s) on ${describeMachine(machineInfo())}\n\n`);
    process.stdout.write('| client reads into | client CPU per call | user | system | GC |\n|---|--:|--:|--:|--:|\n');
    for (const r of results) {
      const label = r.variant === 'shared' ? 'the shared buffer (current)' : 'a fresh buffer per read (Node default, 0.1)';
      process.stdout.write(`| ${label} | ${r.cpuUsPerCall} µs | ${r.userUsPerCall} µs | ${r.systemUsPerCall} µs | ${r.gcUsPerCall} µs |\n`);
    }
    const out = toolArg('out');
    const commit = execSync('git rev-parse --short HEAD').toString().trim();
    const dirty = execSync('git status --porcelain').toString().trim() !== '';
    if (out !== undefined) writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), tool: 'bench/tools/read-buffer-cost.ts', commit, dirty, seconds, rounds, inFlight, payload: 'large (16 KiB)', serializer: 'msgpack', machine: machineInfo(), results }, null, 2)}\n`);
  } finally {
    gcObserver.disconnect();
    await Promise.all(VARIANTS.map((v) => clients[v].close()));
    child.disconnect();
    await once(child, 'exit');
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

(process.argv.includes('--serve') ? serve() : main()).catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
