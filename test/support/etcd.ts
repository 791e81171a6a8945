import { execFile } from 'child_process';
import { rm } from 'fs/promises';
import { join, resolve } from 'path';
import { setTimeout as sleep } from 'timers/promises';
import { promisify } from 'util';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, '../../scripts/etcd-local.sh');

export interface LocalEtcd {
  /** Client URLs of every member, e.g. `['http://127.0.0.1:23791']`. */
  readonly endpoints: string[];
  /** The script's state directory (data, logs, pids). */
  readonly dir: string;
  /** Stops every member and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Crashes member `n` (1-based) with SIGKILL, or stops it with SIGTERM. */
  killMember(n: number, signal?: 'KILL' | 'TERM'): Promise<void>;
  /** Starts member `n` again on the same ports and data dir; resolves once it is healthy. */
  restartMember(n: number): Promise<void>;
  /** Deletes member `n`'s data directory (it must be down): the next restart is a brand-new etcd. */
  wipeMember(n: number): Promise<void>;
  /** SIGSTOP / SIGCONT member `n` (a frozen etcd: accepts TCP, answers nothing). */
  pause(n: number): Promise<void>;
  resume(n: number): Promise<void>;
}

export interface StartEtcdOptions {
  nodes?: 1 | 3;
  /**
   * Run the members in their own session (`setsid`, where it exists): a terminal's Ctrl-C then
   * reaches only us, and we stop etcd when we choose (the demo stops it last, after its apps).
   * Default false: members share our process group, so an interrupted test run takes them down.
   */
  ownSession?: boolean;
  /** Serve TLS only (https endpoints), to clients with a certificate signed by `tls.ca`. */
  tls?: EtcdTlsFiles;
}

/** PEM files for an etcd that only takes TLS clients with a certificate from `ca` (`--client-cert-auth`). */
export interface EtcdTlsFiles {
  ca: string;
  /** Serves the client port; also the health checks' client certificate (needs serverAuth and clientAuth usage). */
  cert: string;
  key: string;
}

/**
 * Starts a throwaway etcd (1 or 3 members) on free loopback ports through scripts/etcd-local.sh.
 * With `tls`, the endpoints are https:// and clients need a certificate signed by its CA.
 * Always pair with `stop()` (afterAll in a test).
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<LocalEtcd> {
  const tls = options.tls === undefined ? [] : ['--tls', [options.tls.ca, options.tls.cert, options.tls.key].join(',')];
  const stdout = await startWithRetries(options.nodes ?? 1, options.ownSession === true && (await hasSetsid()), tls);
  const match = /^ETCD_ENDPOINTS=(\S+) ETCD_DIR=(\S+)$/m.exec(stdout.trim());
  if (match === null) throw new Error(`Unexpected etcd-local.sh output: ${stdout}`);
  const endpoints = match[1].split(',');
  const dir = match[2].replace(/^'(.*)'$/, '$1');
  const script = async (...args: string[]) => {
    await run(SCRIPT, args, { encoding: 'utf8', timeout: 60_000 });
  };
  let stopped = false;
  return {
    endpoints,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await script('stop', dir);
    },
    killMember: (n, signal = 'KILL') => script('kill-member', dir, String(n), signal),
    async restartMember(n) {
      try {
        await script('restart-member', dir, String(n));
      } catch (error) {
        // On a loaded machine etcd-local.sh can check the member before its launcher shell has
        // exec'd etcd, report "exited during startup", and leave the member running. Trust health.
        if (!(await becomesHealthy(dir, n, endpoints[n - 1], 20_000))) throw error;
      }
    },
    wipeMember: (n) => rm(join(dir, `node${n}.data`), { recursive: true, force: true }),
    pause: (n) => script('pause', dir, String(n)),
    resume: (n) => script('resume', dir, String(n)),
  };
}

async function hasSetsid(): Promise<boolean> {
  return run('sh', ['-c', 'command -v setsid']).then(() => true, () => false);
}

async function startWithRetries(nodes: number, ownSession: boolean, extra: string[], attempts = 3): Promise<string> {
  const args = ['start', '--nodes', String(nodes), ...extra];
  const [command, commandArgs] = ownSession ? ['setsid', ['--wait', SCRIPT, ...args]] : [SCRIPT, args];
  for (let attempt = 1; ; attempt++) {
    try {
      return (await run(command, commandArgs, { encoding: 'utf8', timeout: 60_000 })).stdout;
    } catch (error) {
      // A failed start kills what it started and removes its directory: starting again is safe.
      if (attempt >= attempts) throw error;
    }
  }
}

async function becomesHealthy(dir: string, n: number, endpoint: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await run(SCRIPT, ['status', dir], { encoding: 'utf8' }).then((r) => r.stdout, () => '');
    const running = status.split('\n').some((line) => line.startsWith(`${n} `) && line.includes(' running '));
    if (running && (await etcdctl([endpoint], 'endpoint', 'health').then(() => true, () => false))) return true;
    await sleep(200);
  }
  return false;
}

/** `etcdctl` against `endpoints` (API v3), returning stdout. */
export async function etcdctl(endpoints: readonly string[], ...args: string[]): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD')));
  const { stdout } = await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, '--command-timeout=3s', ...args], {
    encoding: 'utf8',
    env: { ...env, ETCDCTL_API: '3' },
    timeout: 10_000,
  });
  return stdout;
}
