import { execFileSync, spawnSync } from 'child_process';
import { resolve } from 'path';

export const ETCD_SCRIPT = resolve(__dirname, '..', 'etcd-local.sh');

export interface LocalEtcd {
  endpoints: string;
  dir: string;
  stop(): void;
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure etcd and etcdctl are installed. On Debian/Ubuntu as root it installs Debian's
 * packages (the only safe automatic path); otherwise it says exactly how to get them.
 */
export function ensureEtcdInstalled(log: (line: string) => void): void {
  if (onPath('etcd') && onPath('etcdctl')) return;
  const canInstall = process.getuid?.() === 0 && onPath('apt-get') && process.env.DEMO_INSTALL_ETCD !== '0';
  if (!canInstall) {
    throw new Error(
      'etcd is not installed. Install it with `sudo apt-get install -y etcd-server etcd-client` (Debian/Ubuntu), ' +
        'or run it in a container with `docker compose up -d etcd` and start the apps with ETCD_ENDPOINTS=http://127.0.0.1:2379.',
    );
  }
  log('etcd not found: installing Debian packages etcd-server and etcd-client (set DEMO_INSTALL_ETCD=0 to skip)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'etcd-server', 'etcd-client'], { stdio: 'inherit', env });
}

/**
 * Starts a throwaway single-node etcd on free loopback ports (scripts/etcd-local.sh), in its
 * own session when `setsid` exists: a terminal Ctrl-C then reaches only the demo, which stops
 * etcd last, after the apps (otherwise the consumer sees its etcd watch drop while stopping).
 */
export function startEtcd(): LocalEtcd {
  const [command, args]: [string, string[]] = onPath('setsid') ? ['setsid', ['--wait', ETCD_SCRIPT, 'start']] : [ETCD_SCRIPT, ['start']];
  const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const match = out.trim().match(/^ETCD_ENDPOINTS=(\S+) ETCD_DIR=(\S+)$/);
  if (!match) throw new Error(`Unexpected output from etcd-local.sh: ${out}`);
  const dir = match[2].replace(/^'(.*)'$/, '$1');
  let stopped = false;
  return {
    endpoints: match[1],
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(ETCD_SCRIPT, ['stop', dir], { stdio: 'ignore' });
    },
  };
}
