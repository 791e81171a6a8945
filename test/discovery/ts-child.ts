import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import { resolve } from 'path';

const ROOT = resolve(__dirname, '../..');

/** A TypeScript fixture running in its own Node process; its stdout is read line by line. */
export class TsChild {
  readonly process: ChildProcess;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private buffer = '';
  private stderr = '';
  private readonly exited: Promise<void>;

  constructor(script: string, env: Record<string, string>) {
    this.process = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(__dirname, script)], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of [...this.waiters]) wake();
    });
    this.process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(this.process, 'exit').then(() => undefined);
  }

  /** Every stdout line so far. */
  output(): readonly string[] {
    return this.lines;
  }

  /** Resolves with the first line (from index `from`) for which `match` returns a value. */
  waitFor<T>(match: (line: string) => T | undefined, what: string, timeoutMs = 20_000, from = 0): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const check = () => {
        for (let i = from; i < this.lines.length; i++) {
          const value = match(this.lines[i]);
          if (value !== undefined) {
            cleanup();
            resolvePromise(value);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Child never printed ${what} within ${timeoutMs} ms.\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const onExit = () => {
        cleanup();
        reject(new Error(`Child exited before printing ${what}.\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderr}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        this.process.off('exit', onExit);
      };
      this.waiters.add(check);
      this.process.once('exit', onExit);
      check();
    });
  }

  /** Sends `signal`, waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
