import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { createServer } from 'net';
import { resolve } from 'path';
import { ensureEtcdInstalled, LocalEtcd, startEtcd } from './demo/etcd';
import { AppProcess, startApp } from './demo/processes';

/**
 * One-command demo: etcd + 2 providers of HelloService v1 (weights 1 and 3) + 1 of v2 + the HTTP
 * consumer, on free loopback ports. Prints working curl commands and a few sample calls, then
 * runs until Ctrl-C and cleans up everything it started.
 *
 *   npm run demo                 interactive
 *   npm run demo -- --headless   quiet samples; prints "DEMO READY consumer=<url> etcd=<dir>" and waits for SIGTERM
 */
const ROOT = resolve(__dirname, '..');
const headless = process.argv.includes('--headless') || process.env.DEMO_HEADLESS === '1';
const skipBuild = process.argv.includes('--no-build');
const say = (line: string) => process.stdout.write(`${line}\n`);
const logs = (line: string) => (headless ? process.stderr.write(`${line}\n`) : say(line));

const apps: AppProcess[] = [];
let etcd: LocalEtcd | undefined;
let stopping: Promise<void> | undefined;

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((res, rej) => {
      const server = createServer().once('error', rej);
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as { port: number }).port;
        server.close(() => res(bound));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function build(): void {
  if (skipBuild && existsSync(resolve(ROOT, 'dist/apps/consumer/src/main.js'))) return;
  logs('Building (tsc -p tsconfig.build.json)...');
  execFileSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', resolve(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
}

async function samples(consumer: string): Promise<void> {
  const served: Record<string, number> = {};
  for (let i = 0; i < 8; i++) {
    const { body } = await getJson(`${consumer}/hello?name=demo`);
    const greeting = body as { message: string; instance: string; version: string };
    served[greeting.instance] = (served[greeting.instance] ?? 0) + 1;
    say(`  GET /hello      → ${greeting.message.padEnd(24)} served by ${greeting.instance} (v${greeting.version})`);
  }
  const v2 = (await getJson(`${consumer}/hello2?name=demo`)).body as { message: string; instance: string };
  say(`  GET /hello2     → ${v2.message.padEnd(24)} served by ${v2.instance}`);
  const reserve = await getJson(`${consumer}/stock/pear/reserve?quantity=99`, { method: 'POST' });
  say(`  POST /stock/pear/reserve?quantity=99 → HTTP ${reserve.status} ${JSON.stringify(reserve.body)}`);
  say(`  v1 calls per instance: ${JSON.stringify(served)} (weights: provider-v1-a=1, provider-v1-b=3)`);
}

async function main(): Promise<void> {
  ensureEtcdInstalled(logs);
  build();
  etcd = startEtcd();
  logs(`etcd ${etcd.endpoints} (data in ${etcd.dir})`);
  const common = { ETCD_ENDPOINTS: etcd.endpoints, DEREGISTER_GRACE_MS: '1000' };
  const providers: [string, Record<string, string>][] = [
    ['provider-v1-a', { HELLO_VERSIONS: '1', SERVICE_WEIGHT: '1' }],
    ['provider-v1-b', { HELLO_VERSIONS: '1', SERVICE_WEIGHT: '3' }],
    ['provider-v2', { HELLO_VERSIONS: '2', SERVICE_WEIGHT: '1' }],
  ];
  providers.forEach(([name, env], i) => apps.push(startApp(name, 'provider', { ...common, ...env, INSTANCE_NAME: name }, logs, i)));
  const port = await freePort(Number(process.env.CONSUMER_PORT ?? 3000));
  apps.push(startApp('consumer', 'consumer', { ...common, HTTP_PORT: String(port) }, logs, 3));
  await Promise.all(apps.map((a) => a.ready));
  const consumer = `http://127.0.0.1:${port}`;
  await waitFor('the consumer to discover 3 HelloService instances', async () => {
    await getJson(`${consumer}/hello?name=probe`);
    await getJson(`${consumer}/hello2?name=probe`);
    const seen = (await getJson(`${consumer}/instances`)).body as { service: string; instances: unknown[] }[];
    return seen.filter((s) => s.service === 'HelloService').reduce((n, s) => n + s.instances.length, 0) === 3;
  });

  logs(`Dashboard: ${consumer}/dashboard   (services, weights, health, call rates; nestrpc CLI: docs/operations.md)`);
  if (headless) {
    say(`DEMO READY consumer=${consumer} etcd=${etcd.dir}`);
  } else {
    say('\nThe demo is up. Try:');
    say(`  curl '${consumer}/hello?name=you'             # v1, balanced 1:3 over two providers`);
    say(`  curl '${consumer}/hello2?name=you'            # v2 only`);
    say(`  curl -N '${consumer}/stock/apple/watch?updates=5'   # a stream (server-sent events)`);
    say(`  curl -X POST '${consumer}/stock/pear/reserve?quantity=99'   # domain error → HTTP 409`);
    say(`  curl '${consumer}/instances'                  # what discovery sees`);
    say('\nSample calls:');
    await samples(consumer);
    say('\nRunning. Press Ctrl-C to stop everything.');
  }
}

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    logs('Stopping...');
    // Consumer first (no more calls), then providers (each deregisters and drains), then etcd.
    const consumer = apps.filter((a) => a.name === 'consumer');
    await Promise.all(consumer.map((a) => a.stop()));
    await Promise.all(apps.filter((a) => a.name !== 'consumer').map((a) => a.stop()));
    etcd?.stop();
    logs('Stopped: no process left, etcd data removed.');
    process.exit(code);
  })();
  return stopping;
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((err: Error) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  void shutdown(1);
});
