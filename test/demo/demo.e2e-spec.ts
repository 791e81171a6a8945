import { ChildProcess, execFileSync, spawn } from 'child_process';
import { once } from 'events';
import { existsSync } from 'fs';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');

function pgrep(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
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
  let output = '';

  beforeAll(async () => {
    demo = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/demo.ts', '--headless'], {
      cwd: ROOT,
      env: { ...process.env, CONSUMER_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = await new Promise<RegExpMatchArray>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo not ready in 150 s:\n${output.slice(-3000)}`)), 150_000);
      demo.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = output.match(/DEMO READY consumer=(\S+) etcd=(\S+)/);
        if (match) {
          clearTimeout(timer);
          resolveReady(match);
        }
      });
      demo.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`demo exited with ${code}:\n${output.slice(-3000)}`));
      });
    });
    consumer = ready[1];
    etcdDir = ready[2];
  }, 180_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      demo.kill('SIGKILL');
      await once(demo, 'exit');
    }
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
    expect(pgrep('dist/apps/(provider|consumer)/src/main.js')).toEqual([]);
    expect(existsSync(etcdDir)).toBe(false);
  });
});
