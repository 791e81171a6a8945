import { execFileSync, spawnSync } from 'child_process';

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
