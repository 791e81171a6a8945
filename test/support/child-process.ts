import { ChildProcess, execFileSync, spawn } from 'child_process';
import { once } from 'events';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');

export interface TsChild {
  readonly process: ChildProcess;
  /** Resolves with the first match of `pattern` in the output (rejects on exit or after `timeoutMs`). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /**
   * Resolves with the first value `match` returns for a complete stdout line, looking from line
   * `from` on (rejects on exit or after `timeoutMs`, quoting `what`).
   */
  waitForStdoutLine<T>(match: (line: string) => T | undefined, what: string, timeoutMs?: number, from?: number): Promise<T>;
  /** Every complete stdout line so far. */
  stdoutLines(): readonly string[];
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Own process group (`process.kill(-pid)` then reaches the child and everything it starts). */
  detached?: boolean;
}

/**
 * Runs a TypeScript entry point (path from the repo root) in its own Node process, with the
 * repo's path aliases (`NESTRPC_TSCONFIG` picks another tsconfig: the Nest 12 suites map
 * @nestjs/* through it).
 */
export function spawnTs(script: string, env: Record<string, string> = {}, args: readonly string[] = [], options: { detached?: boolean } = {}): TsChild {
  const project = resolve(ROOT, process.env.NESTRPC_TSCONFIG ?? 'tsconfig.json');
  const nodeArgs = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(ROOT, script), ...args];
  return spawnNode(nodeArgs, { cwd: ROOT, env: { TS_NODE_PROJECT: project, ...env }, detached: options.detached });
}

/** Runs `node <args>` in `cwd` (e.g. a built app outside the repo), environment = ours + `env`. */
export function spawnNode(args: string[], options: SpawnOptions): TsChild {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let out = '';
  let partial = '';
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const wake = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    wake();
  });
  const exited = once(child, 'exit').then(() => undefined);

  /** Resolves with the first defined `probe()` result, re-checked on every output chunk. */
  const waitUntil = <T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolvePromise, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        resolvePromise(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`No ${what} within ${timeoutMs} ms. Output:\n${out}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`Process exited before printing ${what}. Output:\n${out}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });

  return {
    process: child,
    output: () => out,
    stdoutLines: () => lines,
    waitForLine: (pattern, timeoutMs = 20_000) => waitUntil(() => out.match(pattern) ?? undefined, `line matching ${pattern}`, timeoutMs),
    waitForStdoutLine: (match, what, timeoutMs = 20_000, from = 0) =>
      waitUntil(
        () => {
          for (let i = from; i < lines.length; i++) {
            const value = match(lines[i]);
            if (value !== undefined) return value;
          }
          return undefined;
        },
        what,
        timeoutMs,
      ),
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs TypeScript/JavaScript `source` in a child Node with `--expose-gc` (from the repo root,
 * require() resolving as in the repo) and returns what it wrote to stdout: for measurements that
 * need collections on demand without exposing gc in the jest process.
 */
export function runWithGc(source: string): string {
  return execFileSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', '-e', source], { cwd: ROOT, encoding: 'utf8' });
}
