import { execFile } from 'child_process';
import { mkdir, readdir, rm } from 'fs/promises';
import { join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

/** The publishable packages, in dependency order (each prepack builds its references too). */
export const LIBRARIES = ['common', 'transport', 'discovery', 'server', 'client'] as const;

/** Package name → absolute path of its tarball. */
export type Tarballs = Record<string, string>;

/** npm settings a user's own shell would also have; the rest of `npm test`'s npm_* variables go. */
const KEPT_NPM_SETTINGS = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile']);

/**
 * The environment of an npm run inside a fixture app: under `npm test`, npm exports its own
 * configuration (npm_config_local_prefix=<repo> among it), which must not make the fixture's
 * install or build act on the monorepo.
 */
function fixtureEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || KEPT_NPM_SETTINGS.has(key.toLowerCase())));
  return { ...env, npm_config_update_notifier: 'false' };
}

/** Runs npm in `cwd`; on failure the error carries npm's output. */
export async function npm(args: string[], cwd: string, timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run('npm', args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: fixtureEnv() });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} in ${cwd} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/**
 * The test installs Nest and the packages' dependencies from the registry: when it cannot be
 * reached, say so plainly (the test fails, it never skips).
 */
export async function assertRegistryReachable(): Promise<void> {
  const registry = (await npm(['config', 'get', 'registry'], process.cwd(), 10_000)).trim();
  try {
    const response = await fetch(new URL('@nestjs%2fcore', registry.endsWith('/') ? registry : `${registry}/`), { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await response.arrayBuffer();
  } catch (err) {
    throw new Error(`The npm registry ${registry} is unreachable (${(err as Error).message}): the packaging test installs Nest from it and cannot run.`);
  }
}

/**
 * `npm pack`s every library from a clean state (dist removed, so the tarball's content comes
 * from prepack alone) into `destination`.
 */
export async function packLibraries(repoRoot: string, destination: string): Promise<Tarballs> {
  await mkdir(destination, { recursive: true });
  for (const lib of LIBRARIES) await rm(join(repoRoot, 'libs', lib, 'dist'), { recursive: true, force: true });
  const tarballs: Tarballs = {};
  for (const lib of LIBRARIES) {
    await npm(['pack', '--pack-destination', destination, '--silent'], join(repoRoot, 'libs', lib), 120_000);
    const file = (await readdir(destination)).find((name) => name.startsWith(`nestrpc-${lib}-`) && name.endsWith('.tgz'));
    if (file === undefined) throw new Error(`npm pack of libs/${lib} left no tarball in ${destination}`);
    tarballs[`@nestrpc/${lib}`] = join(destination, file);
  }
  return tarballs;
}
