import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import { createWriteStream } from 'fs';
import { join, resolve } from 'path';
import { createInterface } from 'readline';

const ROOT = resolve(__dirname, '..', '..');
const COLORS = [36, 33, 35, 32, 34, 31];

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Where this app's output goes (always written, also when it is printed). */
  logFile: string;
  /** Resolves with the READY line's key=value pairs. */
  ready: Promise<Record<string, string>>;
  stop(graceMs?: number): Promise<void>;
}

export interface AppOutput {
  /** Directory of the `<name>.log` files. */
  logDir: string;
  /** Also print every line, prefixed with the app's name (`--logs`). */
  print?: (line: string) => void;
}

/**
 * Runs a built app (dist/apps/<app>/src/main.js) with the repo's path aliases, its output in
 * `<logDir>/<name>.log`. The app gets its own process group, so a terminal Ctrl-C reaches only
 * the demo, which then stops the apps in order instead of all at once.
 */
export function startApp(name: string, app: 'provider' | 'consumer', env: Record<string, string>, output: AppOutput, colorIndex: number): AppProcess {
  const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', resolve(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, TS_NODE_BASEURL: resolve(ROOT, 'dist'), TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'), NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const logFile = join(output.logDir, `${name}.log`);
  const file = createWriteStream(logFile, { flags: 'a' });
  const prefix = `\x1b[${COLORS[colorIndex % COLORS.length]}m${name.padEnd(12)}\x1b[0m|`;
  let onReady: (fields: Record<string, string>) => void;
  let onFail: (error: Error) => void;
  const ready = new Promise<Record<string, string>>((res, rej) => ((onReady = res), (onFail = rej)));
  ready.catch(() => undefined); // a failed start is reported by whoever awaits it
  let open = 2;
  for (const stream of [child.stdout!, child.stderr!]) {
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      file.write(`${line}\n`);
      output.print?.(`${prefix} ${line}`);
      const at = line.indexOf('READY ');
      if (at >= 0) onReady(Object.fromEntries(line.slice(at + 6).trim().split(/\s+/).map((kv) => kv.split('=') as [string, string])));
    });
    lines.once('close', () => --open === 0 && file.end());
  }
  const exited = once(child, 'exit');
  void exited.then(([code, signal]) => onFail(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready; see ${logFile}`)));
  return {
    name,
    child,
    logFile,
    ready,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
