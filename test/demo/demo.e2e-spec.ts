import { ChildProcess, execFileSync } from 'child_process';
import { once } from 'events';
import { existsSync, readFileSync } from 'fs';
import { createServer, Server } from 'net';
import { join, resolve } from 'path';
import { spawnNode } from '../support/child-process';
import { freePort } from '../support/free-port';

const ROOT = resolve(__dirname, '../..');

function pgrep(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const APP_PROCESSES = `${ROOT}/dist/apps/(provider|consumer)/src/main.js`;

/** Starts the demo in its own process group, so a test can Ctrl-C it the way a terminal does (the whole group). */
function startDemo(args: string[], env: Record<string, string> = {}): { demo: ChildProcess; output: () => string; waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray> } {
  const child = spawnNode(['-r', 'ts-node/register/transpile-only', 'scripts/demo.ts', ...args], { cwd: ROOT, env, detached: true });
  return { demo: child.process, output: child.output, waitFor: (pattern, timeoutMs) => child.waitForLine(pattern, timeoutMs) };
}

/** A terminal's Ctrl-C: SIGINT to every process of the foreground group. */
function terminalCtrlC(demo: ChildProcess): void {
  process.kill(-demo.pid!, 'SIGINT');
}

async function killGroup(demo: ChildProcess | undefined): Promise<void> {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    process.kill(-demo.pid!, 'SIGKILL');
    await once(demo, 'exit');
  }
}

/**
 * The README's first command, headless: `scripts/demo.ts` builds, starts etcd, three providers
 * and the consumer; the test uses the consumer like a newcomer with curl would, then stops the
 * demo and checks that nothing is left behind.
 */
describe('npm run demo (headless)', () => {
  let demo: ChildProcess;
  let consumer: string;
  let etcdDir: string;
  let logDir: string;
  let output: () => string;
  let busy: Server;
  let busyPort: number;
  const log = (app: string) => readFileSync(join(logDir, `${app}.log`), 'utf8');

  beforeAll(async () => {
    // Something already listens on the port the demo prefers (3000 for a user).
    busyPort = await freePort();
    busy = createServer();
    await new Promise<void>((resolveListen) => busy.listen(busyPort, '127.0.0.1', resolveListen));
    const started = startDemo(['--headless'], { CONSUMER_PORT: String(busyPort) });
    demo = started.demo;
    output = started.output;
    const ready = await started.waitFor(/DEMO READY consumer=(\S+) etcd=(\S+) logs=(\S+)/, 150_000);
    consumer = ready[1];
    etcdDir = ready[2];
    logDir = ready[3];
  }, 180_000);

  afterAll(async () => {
    await killGroup(demo);
    await new Promise((resolveClose) => busy?.close(resolveClose));
  });

  it('says that the preferred consumer port is busy and which one it uses instead', () => {
    const port = new URL(consumer).port;
    expect(port).not.toBe(String(busyPort));
    expect(output()).toContain(`Port ${busyPort} is busy: the consumer listens on ${port} instead`);
  });

  it('keeps the app logs in files, one per app, and off the screen', () => {
    for (const app of ['provider-v1-a', 'provider-v1-b', 'provider-v2', 'consumer']) expect(log(app)).toContain('READY');
    expect(output()).not.toContain('[Nest]');
  });

  it('logs the weight provider-v1-b really registers (3), and no other', () => {
    const lines = log('provider-v1-b').split('\n').filter((line) => line.includes('HelloService@1.0.0'));
    expect(lines).toContainEqual(expect.stringMatching(/Registered HelloService@1\.0\.0 at 127\.0\.0\.1:\d+ \(weight 3\)/));
    expect(lines.filter((line) => /weight (?!3\))/.test(line))).toEqual([]);
  });

  it('answers v1 from both v1 providers in proportion to their weights (1:3)', async () => {
    const served: Record<string, number> = {};
    for (let i = 0; i < 80; i++) {
      const body = (await (await fetch(`${consumer}/hello?name=e2e`)).json()) as { instance: string; version: string; message: string };
      expect(body.version).toBe('1.0.0');
      expect(body.message).toBe('Hello, e2e!');
      served[body.instance] = (served[body.instance] ?? 0) + 1;
    }
    expect(served).toEqual({ 'provider-v1-a': 20, 'provider-v1-b': 60 });
  });

  it('answers v2 only from the v2 provider', async () => {
    const body = (await (await fetch(`${consumer}/hello2?name=e2e`)).json()) as { instance: string; version: string };
    expect(body).toMatchObject({ instance: 'provider-v2', version: '2.0.0' });
  });

  it('streams stock levels as server-sent events', async () => {
    const text = await (await fetch(`${consumer}/stock/apple/watch?updates=3`)).text();
    const events = text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { sku: string });
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.sku === 'apple')).toBe(true);
  });

  it('maps the domain error to HTTP 409 with its payload', async () => {
    const response = await fetch(`${consumer}/stock/plum/reserve?quantity=2`, { method: 'POST' });
    expect(response.status).toBe(409);
    await expect(response.json()).resolves.toMatchObject({ code: 'OUT_OF_STOCK', sku: 'plum', requested: 2, available: 0 });
    // A domain error is an answer, not a crash: no ERROR (and no stack) in any provider's log.
    await new Promise((r) => setTimeout(r, 200));
    for (const app of ['provider-v1-a', 'provider-v1-b', 'provider-v2']) expect(log(app)).not.toMatch(/ERROR|RpcException/);
  });

  it('serves /metrics and /health on the consumer and on a provider', async () => {
    const provider = `http://127.0.0.1:${/READY name=provider-v1-a http=(\d+)/.exec(log('provider-v1-a'))![1]}`;
    for (const app of [consumer, provider]) {
      const health = await fetch(`${app}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
    }
    await fetch(`${consumer}/hello?name=metrics`);
    expect(await (await fetch(`${consumer}/metrics`)).text()).toMatch(/^nestrpc_client_calls_total\{service="HelloService",method="greet",status="OK"\} [1-9]/m);
    expect(await (await fetch(`${provider}/metrics`)).text()).toMatch(/^nestrpc_server_calls_total\{service="HelloService",method="greet",status="OK"\} \d+/m);
  });

  it('lists what discovery sees', async () => {
    const seen = (await (await fetch(`${consumer}/instances`)).json()) as { service: string; range: string; instances: { weight: number }[] }[];
    const v1 = seen.find((s) => s.service === 'HelloService' && s.range === '^1');
    expect(v1?.instances.map((i) => i.weight).sort()).toEqual([1, 3]);
  });

  it('stops cleanly on SIGTERM: no process and no etcd data left', async () => {
    const pids = pgrep(etcdDir);
    expect(pids.length).toBeGreaterThan(0); // etcd was running for this demo
    demo.kill('SIGTERM');
    const [code] = (await once(demo, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(pgrep(etcdDir)).toEqual([]);
    expect(pgrep(APP_PROCESSES)).toEqual([]);
    expect(existsSync(etcdDir)).toBe(false);
  });
});

describe('npm run demo (interactive)', () => {
  let demo: ChildProcess | undefined;

  afterEach(async () => {
    await killGroup(demo);
    demo = undefined;
  });

  it('prints a short clean screen with a sample that shows the 1:3 weights, and stops in order on a terminal Ctrl-C', async () => {
    const started = startDemo(['--no-build'], { CONSUMER_PORT: '0' });
    demo = started.demo;
    await started.waitFor(/Press Ctrl-C to stop everything\./, 150_000);
    const screen = started.output();
    const lines = screen.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(30);
    expect(screen).not.toContain('[Nest]');
    const logDir = /app logs (\S+)\/<app>\.log/.exec(screen)![1];
    expect(screen).toContain('The demo is up. Try:');
    expect(screen).toMatch(/curl '\S+\/metrics'; curl '\S+\/metrics'/);
    expect(screen).toMatch(/curl '\S+\/health'; curl '\S+\/health'/);
    // 40 calls over weights 1 and 3: a quarter / three quarters (±1 while the balancer settles).
    const a = Number(/provider-v1-a \(weight 1\):\s+(\d+) calls/.exec(screen)![1]);
    const b = Number(/provider-v1-b \(weight 3\):\s+(\d+) calls/.exec(screen)![1]);
    expect(a + b).toBe(40);
    expect(Math.abs(a - 10)).toBeLessThanOrEqual(1);
    expect(screen).toMatch(/POST \/stock\/pear\/reserve\?quantity=99 → HTTP 409/);

    terminalCtrlC(demo);
    const [code] = (await once(demo, 'exit')) as [number | null];
    expect(code).toBe(0);
    const after = started.output().slice(screen.length);
    const order = ['consumer stopped', 'providers stopped', 'etcd stopped'].map((step) => after.indexOf(step));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    // etcd outlived the consumer: its watch never dropped while stopping.
    expect(readFileSync(join(logDir, 'consumer.log'), 'utf8')).not.toMatch(/WARN|ERROR/);
    expect(pgrep(APP_PROCESSES)).toEqual([]);
  }, 180_000);

  it('stops quietly when Ctrl-C comes during start-up', async () => {
    const started = startDemo(['--no-build'], { CONSUMER_PORT: '0' });
    demo = started.demo;
    const etcdDir = (await started.waitFor(/data in (\S+), removed on exit/, 60_000))[1];
    await started.waitFor(/Starting 3 providers/, 30_000);
    terminalCtrlC(demo);
    const [code] = (await once(demo, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(started.output()).not.toContain('demo failed');
    expect(started.output()).not.toMatch(/^\s+at /m);
    expect(started.output()).toContain('Stopped: no process left.');
    expect(pgrep(etcdDir)).toEqual([]);
    expect(pgrep(APP_PROCESSES)).toEqual([]);
  }, 120_000);
});
