import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { startEtcd, LocalEtcd } from '../support/etcd';
import { freePort } from '../support/free-port';
import { spawnNode, TsChild } from '../support/child-process';
import { waitFor } from '../support/wait-for';
import { npm, packLibraries, Tarballs, assertRegistryReachable } from './npm';

/**
 * The four packages as a user gets them: `npm pack`ed (prepack builds them), installed from
 * the tarballs into fresh apps outside the monorepo (no tsconfig paths, no hoisting from the
 * repo), compiled with the app's own tsc and run as a provider + an HTTP consumer against a
 * real etcd. The apps are test/packaging/fixture-app, written from docs/getting-started.md;
 * each variant only brings its package.json and tsconfig.json.
 */
interface Variant {
  name: string;
  /** Directory under test/packaging/variants with package.json and tsconfig.json. */
  files: string;
  /** Extra `npm install` flags. */
  installFlags: string[];
}

const VARIANTS: Variant[] = [
  { name: 'Nest 11, CommonJS', files: 'nest11-cjs', installFlags: [] },
  { name: 'Nest 12, ESM ("type": "module", nodenext)', files: 'nest12-esm', installFlags: [] },
  { name: 'Nest 12, CommonJS (nodenext, require(esm))', files: 'nest12-cjs', installFlags: [] },
  // Every package gets its own node_modules: a dependency a package uses without declaring it
  // is not found (hoisting would have hidden it).
  { name: 'strict layout (--install-strategy=nested), Nest 11', files: 'nest11-cjs', installFlags: ['--install-strategy=nested'] },
];

const HERE = __dirname;
const INSTALL_TIMEOUT_MS = 240_000;

/** Copies the fixture app and the variant's files into a fresh directory, with the tarballs wired in. */
async function writeApp(dir: string, variant: Variant, tarballs: Tarballs): Promise<void> {
  await cp(join(HERE, 'fixture-app/src'), join(dir, 'src'), { recursive: true });
  await cp(join(HERE, 'variants', variant.files, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  const manifest = JSON.parse(await readFile(join(HERE, 'variants', variant.files, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    overrides?: Record<string, string>;
  };
  // What the app declares (@nestrpc/server, @nestrpc/client) comes from our tarballs, and so do
  // their own @nestrpc/* dependencies (not published: overrides point them at the tarballs).
  for (const [name, file] of Object.entries(tarballs)) {
    if (name in manifest.dependencies) manifest.dependencies[name] = `file:${file}`;
  }
  manifest.overrides = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
}

async function installAndBuild(variant: Variant, tarballs: Tarballs, root: string): Promise<string> {
  const dir = join(root, variant.files + (variant.installFlags.length > 0 ? '-strict' : ''));
  await mkdir(dir);
  await writeApp(dir, variant, tarballs);
  await npm(['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', ...variant.installFlags], dir, INSTALL_TIMEOUT_MS);
  await npm(['run', 'build'], dir, 60_000);
  return dir;
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  return { status: response.status, text: await response.text() };
}

describe('the packed packages installed in a user\'s Nest app', () => {
  let root: string;
  let etcd: LocalEtcd;
  const built = new Map<Variant, Promise<string>>();
  const running: TsChild[] = [];

  beforeAll(async () => {
    await assertRegistryReachable();
    root = await mkdtemp(join(tmpdir(), 'nestrpc-packaging-'));
    const tarballs = await packLibraries(resolve(HERE, '../..'), join(root, 'tarballs'));
    etcd = await startEtcd();
    // Installs and builds run in two lanes in the background; each test waits for its own.
    const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
    VARIANTS.forEach((variant, index) => {
      const job = lanes[index % 2].then(() => installAndBuild(variant, tarballs, root));
      lanes[index % 2] = job.catch(() => undefined);
      built.set(variant, job);
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(running.map((child) => child.stop('SIGKILL')));
    await Promise.allSettled([...built.values()]);
    await etcd?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  }, 60_000);

  it.each(VARIANTS)('$name: a provider registers and an HTTP consumer calls it through etcd', async (variant) => {
    const dir = await built.get(variant)!;
    const env = { ETCD_HOSTS: etcd.endpoints.join(','), NO_COLOR: '1' };
    const provider = spawnNode(['dist/provider/main.js'], { cwd: dir, env: { ...env, PORT: String(await freePort()) } });
    running.push(provider);
    await provider.waitForLine(/advertised to consumers as 127\.0\.0\.1:\d+/, 30_000);
    await provider.waitForLine(/Registered HelloService@1\.0\.0 at 127\.0\.0\.1:\d+ \(weight 1\)/, 30_000);

    const port = await freePort();
    const consumer = spawnNode(['dist/consumer/main.js'], { cwd: dir, env: { ...env, PORT: String(port) } });
    running.push(consumer);
    await consumer.waitForLine(/Nest application successfully started/, 30_000);
    const base = `http://127.0.0.1:${port}`;
    let answer = { status: 0, text: '' };
    await waitFor(async () => (answer = await get(`${base}/hello?name=pack`)).status === 200, 'the consumer to reach the provider', 15_000, 100)
      .catch((err: Error) => { throw new Error(`${err.message}; last answer ${JSON.stringify(answer)}\nconsumer:\n${consumer.output()}\nprovider:\n${provider.output()}`); });
    expect(answer.text).toBe('Hello, pack!');
    // A query parameter left out reaches the provider as undefined, not null.
    await expect(get(`${base}/hello`)).resolves.toEqual({ status: 200, text: 'Hello, stranger!' });

    // Both shut down cleanly on SIGTERM (enableShutdownHooks): consumer first, then the provider.
    await consumer.stop('SIGTERM', 10_000);
    expect(consumer.process.exitCode ?? consumer.process.signalCode).not.toBe('SIGKILL');
    await provider.stop('SIGTERM', 15_000);
    expect(provider.output()).toContain('Deregistered 1 instance(s)');
    expect(provider.process.signalCode).not.toBe('SIGKILL');
  }, INSTALL_TIMEOUT_MS + 120_000);
});
