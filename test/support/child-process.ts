import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');

export interface TsChild {
  readonly process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (rejects on exit or after `timeoutMs`). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  output(): string;
}

/**
 * Runs a TypeScript entry point in its own Node process, with the repo's path aliases
 * (`NESTRPC_TSCONFIG` picks another tsconfig: the Nest 12 suites map @nestjs/* through it).
 */
export function spawnTs(script: string, env: Record<string, string> = {}, args: readonly string[] = []): TsChild {
  const project = resolve(ROOT, process.env.NESTRPC_TSCONFIG ?? 'tsconfig.json');
  const nodeArgs = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(ROOT, script), ...args];
  return spawnNode(nodeArgs, { cwd: ROOT, env: { TS_NODE_PROJECT: project, ...env } });
}

/** Runs `node <args>` in `cwd` (e.g. a built app outside the repo), environment = ours + `env`. */
export function spawnNode(args: string[], options: { cwd: string; env?: Record<string, string> }): TsChild {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onText = (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onText);
  child.stderr?.on('data', onText);
  const exited = once(child, 'exit').then(() => undefined);

  return {
    process: child,
    output: () => out,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = out.match(pattern);
          if (match) {
            cleanup();
            resolvePromise(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`No line matching ${pattern} within ${timeoutMs} ms. Output:\n${out}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`Process exited before printing ${pattern}. Output:\n${out}`));
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
    },
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
