/**
 * Discovery propagation latency: time from `register()` being called in one process to a watcher
 * in another process seeing the instance. Starts its own etcd (scripts/etcd-local.sh), one watcher
 * child, then makes sequential registrations and prints p50/p99.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/discovery-latency.ts [--count 100]
 *
 * Measured end to end on the registering side's clock: from just before `register()` to the moment
 * the child's "seen" line arrives on its stdout (includes the pipe, so it slightly over-reports).
 */
import { ChildProcess, spawn } from 'child_process';
import { createInterface } from 'readline';
import { resolve } from 'path';
import { EtcdRegistry } from '../libs/discovery/src';
import { startEtcd } from '../test/support/etcd';

const SERVICE = 'BenchService';
const NAMESPACE = 'bench';
const silent = { log: () => undefined, warn: (m: unknown) => process.stderr.write(`warn: ${String(m)}\n`), error: (m: unknown) => process.stderr.write(`error: ${String(m)}\n`) };

async function watcherMain(): Promise<void> {
  const registry = new EtcdRegistry({ hosts: process.env.ETCD_ENDPOINTS!.split(','), namespace: NAMESPACE, logger: silent });
  const known = new Set<string>();
  registry.watch(SERVICE).subscribe((list) => {
    for (const instance of list) {
      if (known.has(instance.id)) continue;
      known.add(instance.id);
      process.stdout.write(`SEEN ${instance.id}\n`);
    }
  });
  process.stdout.write('READY\n');
  process.on('SIGTERM', () => void registry.close().then(() => process.exit(0)));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const countArg = process.argv.indexOf('--count');
  const count = countArg > 0 ? Number(process.argv[countArg + 1]) : 100;
  const etcd = await startEtcd();
  let child: ChildProcess | undefined;
  const registry = new EtcdRegistry({ hosts: etcd.endpoints, namespace: NAMESPACE, logger: silent });
  try {
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', __filename, '--watcher'], {
      env: { ...process.env, ETCD_ENDPOINTS: etcd.endpoints.join(','), TS_NODE_PROJECT: resolve(__dirname, '../tsconfig.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const waiting = new Map<string, () => void>();
    const seen = new Set<string>();
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((r) => (ready = r));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'READY') return ready();
      const id = /^SEEN (\S+)$/.exec(line)?.[1];
      if (id === undefined) return;
      seen.add(id);
      waiting.get(id)?.();
    });
    await isReady;
    await registry.register({ id: 'warm-up', service: SERVICE, version: '1.0.0', host: '127.0.0.1', port: 1 });
    await new Promise<void>((r) => (seen.has('warm-up') ? r() : waiting.set('warm-up', r)));

    const propagation: number[] = [];
    const registerCall: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = `i-${i}`;
      const visible = new Promise<void>((r) => waiting.set(id, r));
      const start = performance.now();
      await registry.register({ id, service: SERVICE, version: '1.0.0', host: '127.0.0.1', port: 1000 + i });
      registerCall.push(performance.now() - start);
      await visible;
      propagation.push(performance.now() - start);
    }
    const report = (name: string, values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return `${name.padEnd(36)} p50 ${percentile(sorted, 50).toFixed(2)} ms   p99 ${percentile(sorted, 99).toFixed(2)} ms   mean ${mean.toFixed(2)} ms   max ${sorted[sorted.length - 1].toFixed(2)} ms`;
    };
    process.stdout.write(`etcd 1 node, ${count} sequential registrations, watcher in another process\n`);
    process.stdout.write(`${report('register() → seen by other process', propagation)}\n`);
    process.stdout.write(`${report('register() call alone', registerCall)}\n`);
  } finally {
    child?.kill('SIGTERM');
    await registry.close();
    await etcd.stop();
  }
}

if (process.argv.includes('--watcher')) {
  void watcherMain();
} else {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
