import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import { resolve } from 'path';
import { createInterface } from 'readline';

const ROOT = resolve(__dirname, '..', '..');
const COLORS = [36, 33, 35, 32, 34, 31];

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the READY line's key=value pairs. */
  ready: Promise<Record<string, string>>;
  stop(graceMs?: number): Promise<void>;
}

/** Runs a built app (dist/apps/<app>/src/main.js) with the repo's path aliases, prefixing each log line with its name. */
export function startApp(name: string, app: 'provider' | 'consumer', env: Record<string, string>, print: (line: string) => void, colorIndex: number): AppProcess {
  const child = spawn(process.execPath, ['-r', 'tsconfig-paths/register', resolve(ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, TS_NODE_BASEURL: resolve(ROOT, 'dist'), TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'), NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${COLORS[colorIndex % COLORS.length]}m${name.padEnd(12)}\x1b[0m|`;
  let onReady: (fields: Record<string, string>) => void;
  let onFail: (error: Error) => void;
  const ready = new Promise<Record<string, string>>((res, rej) => ((onReady = res), (onFail = rej)));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      print(`${prefix} ${line}`);
      const at = line.indexOf('READY ');
      if (at >= 0) onReady(Object.fromEntries(line.slice(at + 6).trim().split(/\s+/).map((kv) => kv.split('=') as [string, string])));
    });
  }
  const exited = once(child, 'exit');
  void exited.then(([code, signal]) => onFail(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready`)));
  return {
    name,
    child,
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
