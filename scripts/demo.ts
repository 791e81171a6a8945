import { spawn } from 'child_process';
import { once } from 'events';
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { LocalEtcd, startEtcd } from '../test/support/etcd';
import { freePort } from '../test/support/free-port';
import { waitFor } from '../test/support/wait-for';
import { ensureEtcdInstalled } from './demo/etcd';
import { AppProcess, startApp } from './demo/processes';

/**
 * One-command demo: etcd + 2 providers of HelloService v1 (weights 1 and 3) + 1 of v2 + the HTTP
 * consumer, on free loopback ports. Prints working curl commands and sample calls, then runs
 * until Ctrl-C and stops everything it started: consumer, providers, then etcd.
 *
 *   npm run demo                 interactive; app logs go to files (the screen says where)
 *   npm run demo -- --logs       also print every app's log lines on the screen
 *   npm run demo -- --headless   no samples; prints "DEMO READY consumer=<url> etcd=<dir> logs=<dir>" and waits for SIGTERM
 */
const ROOT = resolve(__dirname, '..');
const headless = process.argv.includes('--headless') || process.env.DEMO_HEADLESS === '1';
const showLogs = process.argv.includes('--logs');
const skipBuild = process.argv.includes('--no-build');
const say = (line: string) => process.stdout.write(`${line}\n`);
/** Progress lines: on stderr when headless, so stdout carries only the READY line. */
const note = (line: string) => (headless ? process.stderr.write(`${line}\n`) : say(line));

const V1_SAMPLE_CALLS = 40;
const apps: AppProcess[] = [];
let etcd: LocalEtcd | undefined;
/** Set while etcd starts: a Ctrl-C meanwhile waits for it, so that it can stop it. */
let etcdStarting: Promise<LocalEtcd> | undefined;
let stopping: Promise<void> | undefined;

/** The preferred port, else a free one, said out loud. */
async function consumerPort(preferred: number): Promise<number> {
  try {
    return await freePort('127.0.0.1', preferred);
  } catch {
    const port = await freePort();
    note(`Port ${preferred} is busy: the consumer listens on ${port} instead (set CONSUMER_PORT to choose).`);
    return port;
  }
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

/** tsc, asynchronously: a Ctrl-C meanwhile is handled (and the build simply stops). */
async function build(): Promise<void> {
  if (skipBuild && existsSync(resolve(ROOT, 'dist/apps/consumer/src/main.js'))) return;
  note('Building the apps (tsc -p tsconfig.build.json)...');
  const tsc = spawn(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', resolve(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
  const [code, signal] = (await once(tsc, 'exit')) as [number | null, string | null];
  if (code !== 0 && !stopping) throw new Error(`the build failed (tsc exited with ${code ?? signal})`);
}

async function samples(consumer: string): Promise<void> {
  const served: Record<string, number> = {};
  const order: string[] = [];
  let message = '';
  for (let i = 0; i < V1_SAMPLE_CALLS; i++) {
    const greeting = (await getJson(`${consumer}/hello?name=demo`)).body as { message: string; instance: string };
    served[greeting.instance] = (served[greeting.instance] ?? 0) + 1;
    if (order.length < 12) order.push(greeting.instance.replace('provider-v1-', ''));
    message = greeting.message;
  }
  say(`  GET /hello?name=demo ×${V1_SAMPLE_CALLS} → "${message}"`);
  for (const [instance, weight] of [['provider-v1-a', 1], ['provider-v1-b', 3]] as const) {
    const count = served[instance] ?? 0;
    say(`      ${instance} (weight ${weight}): ${String(count).padStart(2)} calls ${'#'.repeat(count)}`);
  }
  say(`      order of the first ${order.length}: ${order.join(' ')}`);
  const v2 = (await getJson(`${consumer}/hello2?name=demo`)).body as { message: string; instance: string };
  say(`  GET /hello2?name=demo → "${v2.message}" from ${v2.instance}`);
  const reserve = await getJson(`${consumer}/stock/pear/reserve?quantity=99`, { method: 'POST' });
  say(`  POST /stock/pear/reserve?quantity=99 → HTTP ${reserve.status} ${JSON.stringify(reserve.body)}`);
}

async function main(): Promise<void> {
  ensureEtcdInstalled(note);
  await build();
  if (stopping) return;
  const logDir = mkdtempSync(join(tmpdir(), 'nestrpc-demo-logs-'));
  const output = { logDir, print: showLogs ? note : undefined };
  // Its own session: a terminal's Ctrl-C reaches only the demo, which stops etcd last, after
  // the apps (otherwise the consumer sees its etcd watch drop while stopping).
  etcdStarting = startEtcd({ ownSession: true });
  etcd = await etcdStarting;
  note(`etcd     ${etcd.endpoints.join(',')} (data in ${etcd.dir}, removed on exit)`);
  note(`app logs ${logDir}/<app>.log (kept after exit; --logs prints them here too)`);
  const common = { ETCD_ENDPOINTS: etcd.endpoints.join(','), DEREGISTER_GRACE_MS: '1000' };
  const providers: [string, Record<string, string>][] = [
    ['provider-v1-a', { HELLO_VERSIONS: '1', SERVICE_WEIGHT: '1' }],
    ['provider-v1-b', { HELLO_VERSIONS: '1', SERVICE_WEIGHT: '3' }],
    ['provider-v2', { HELLO_VERSIONS: '2', SERVICE_WEIGHT: '1' }],
  ];
  providers.forEach(([name, env], i) => apps.push(startApp(name, 'provider', { ...common, ...env, INSTANCE_NAME: name }, output, i)));
  const port = await consumerPort(Number(process.env.CONSUMER_PORT ?? 3000));
  apps.push(startApp('consumer', 'consumer', { ...common, HTTP_PORT: String(port) }, output, 3));
  note('Starting 3 providers and the consumer...');
  const [firstProvider] = await Promise.all(apps.map((a) => a.ready));
  const consumer = `http://127.0.0.1:${port}`;
  const provider = `http://127.0.0.1:${firstProvider.http}`;
  // A Ctrl-C meanwhile ends the wait (the shutdown takes over).
  await waitFor(
    async () => {
      if (stopping) return true;
      await getJson(`${consumer}/hello?name=probe`);
      await getJson(`${consumer}/hello2?name=probe`);
      const seen = (await getJson(`${consumer}/instances`)).body as { service: string; instances: unknown[] }[];
      return seen.filter((s) => s.service === 'HelloService').reduce((n, s) => n + s.instances.length, 0) === 3;
    },
    'the consumer to discover 3 HelloService instances',
    30_000,
    200,
  );
  if (stopping) return;

  if (headless) {
    say(`DEMO READY consumer=${consumer} etcd=${etcd.dir} logs=${logDir}`);
    return;
  }
  say('\nThe demo is up. Try:');
  say(`  curl '${consumer}/hello?name=you'             # v1, balanced 1:3 over two providers`);
  say(`  curl '${consumer}/hello2?name=you'            # v2 only`);
  say(`  curl -N '${consumer}/stock/apple/watch?updates=5'   # a stream (server-sent events)`);
  say(`  curl -X POST '${consumer}/stock/pear/reserve?quantity=99'   # domain error → HTTP 409`);
  say(`  curl '${consumer}/instances'                  # what discovery sees`);
  say(`  open ${consumer}/dashboard                    # live dashboard: services, weights, health, call rates`);
  say(`  curl '${consumer}/metrics'; curl '${provider}/metrics'   # Prometheus metrics (docs/observability.md)`);
  say(`  curl '${consumer}/health'; curl '${provider}/health'     # readiness: contracts available / registered, not draining`);
  say(`  ETCD_ENDPOINTS=${etcd.endpoints.join(',')} npm run nestrpc -- ls   # the fleet, from the CLI (docs/operations.md)`);
  say('\nSample calls:');
  await samples(consumer);
  say(`\nRunning. App logs: ${logDir}. Press Ctrl-C to stop everything.`);
}

/** Consumer first (no more calls), then the providers (each deregisters and drains), then etcd. */
function shutdown(code: number, why: string): Promise<void> {
  stopping ??= (async () => {
    note(`\n${why}`);
    const consumer = apps.filter((a) => a.name === 'consumer');
    await Promise.all(consumer.map((a) => a.stop()));
    if (consumer.length > 0) note('  consumer stopped');
    const providers = apps.filter((a) => a.name !== 'consumer');
    await Promise.all(providers.map((a) => a.stop()));
    if (providers.length > 0) note('  providers stopped (deregistered, drained)');
    etcd ??= await etcdStarting?.catch(() => undefined);
    if (etcd) {
      await etcd.stop();
      note('  etcd stopped, its data removed');
    }
    note('Stopped: no process left.');
    process.exit(code);
  })();
  return stopping;
}

// The apps run in their own process groups: if the demo dies without a clean shutdown, none
// of them outlives it.
process.on('exit', () => {
  for (const app of apps) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
});
process.on('SIGINT', () => void shutdown(0, stopping ? '' : 'Ctrl-C: stopping...'));
process.on('SIGTERM', () => void shutdown(0, 'Stopping...'));
main().catch((err: Error) => {
  // An interrupted start-up fails its waits: that is the Ctrl-C, not an error to report.
  if (stopping) return;
  process.stderr.write(`demo failed: ${err.message}\n`);
  void shutdown(1, 'Stopping what was started...');
});
