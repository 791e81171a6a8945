import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { COMMAND_EXIT } from './child-protocol';

export type ChildEvent = { kind: 'line'; line: string } | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'timeout' };

const STDERR_TAIL_LINES = 12;
const live = new Set<BenchChild>();

export interface ChildOptions {
  /** Root of the transpiled tree (bench/.build): tsconfig `paths` resolve against it. */
  baseUrl: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Forward the child's stderr to ours as it arrives. */
  verbose?: boolean;
}

/**
 * V8 flags of every benchmark process. `--no-memory-reducer`: V8 runs full collections in a
 * process that has gone idle, to shrink its heap. In a sliced cell (lib/sliced-run.ts) every
 * system but one is idle, and their collections ran in the busy system's turn, stealing it the
 * CPU in bursts and inflating the fastest systems' p99 (18 systems are alive in small × 64). A
 * process under load is never idle, so the flag changes nothing in a measured window: it keeps
 * the idle ones quiet.
 */
export const CHILD_V8_FLAGS: readonly string[] = ['--no-memory-reducer'];

/**
 * A child process running transpiled JS (plain node; tsconfig `paths` mapped into the build
 * tree by tsconfig-paths) whose stdout lines are queued and read with a deadline. Every child is tracked so `killAllChildren` can SIGKILL whatever is left.
 */
export class BenchChild {
  private readonly process: ChildProcess;
  private readonly queue: ChildEvent[] = [];
  private waiter: ((event: ChildEvent) => void) | undefined;
  private readonly stderrLines: string[] = [];
  private exitEvent: ChildEvent | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    args: string[],
    options: ChildOptions,
  ) {
    const nodeArgs = ['-r', 'tsconfig-paths/register', ...CHILD_V8_FLAGS, ...(options.nodeArgs ?? [])];
    this.process = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env: { ...process.env, TS_NODE_PROJECT: join(process.cwd(), 'tsconfig.json'), TS_NODE_BASEURL: options.baseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this);
    this.process.stdin?.on('error', () => undefined);
    this.readLines(this.process.stdout, (line) => this.push({ kind: 'line', line }));
    this.readLines(this.process.stderr, (line) => {
      if (options.verbose) process.stderr.write(`[${name}] ${line}\n`);
      this.stderrLines.push(line);
      if (this.stderrLines.length > STDERR_TAIL_LINES) this.stderrLines.shift();
    });
    this.exited = new Promise((resolve) => {
      this.process.once('close', (code, signal) => {
        live.delete(this);
        this.exitEvent = { kind: 'exit', code, signal };
        this.push(this.exitEvent);
        resolve();
      });
    });
  }

  /** OS process id (for taskset); undefined if the spawn failed. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return this.exitEvent === undefined;
  }

  /** The last lines the child wrote to stderr, for error reports. */
  get stderrTail(): string {
    return this.stderrLines.join(' | ').slice(-600);
  }

  /** The next stdout line (or exit), waiting at most `timeoutMs`. */
  next(timeoutMs: number): Promise<ChildEvent> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exitEvent !== undefined) return Promise.resolve(this.exitEvent);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve({ kind: 'timeout' });
      }, Math.max(0, timeoutMs));
      this.waiter = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  /** The next line starting with `prefix` (others are skipped), without the prefix. */
  async nextWithPrefix(prefix: string, timeoutMs: number): Promise<string | ChildEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(deadline - Date.now());
      if (event.kind !== 'line') return event;
      if (event.line.startsWith(prefix)) return event.line.slice(prefix.length);
    }
  }

  send(line: string): void {
    if (this.alive && this.process.stdin?.writable) this.process.stdin.write(`${line}\n`);
  }

  kill(): void {
    if (this.alive) this.process.kill('SIGKILL');
  }

  /** Asks the child to exit (so CPU profiles get written); SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.alive) return;
    this.send(COMMAND_EXIT);
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private push(event: ChildEvent): void {
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter(event);
    } else {
      this.queue.push(event);
    }
  }

  private readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
    if (stream === null) return;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
  }
}

/** SIGKILLs every child still running (safe to call from an `exit` handler). */
export function killAllChildren(): void {
  for (const child of live) child.kill();
}
