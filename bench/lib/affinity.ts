import { execFileSync } from 'child_process';

/** Where a pinned cell puts its processes: the server(s) on one core, the client on another. */
export interface CpuPin {
  serverCpu: number;
  clientCpu: number;
}

/** One thread's affinity mask as `taskset -a -p <pid>` printed it (hex, no 0x). */
export interface ThreadMask {
  tid: number;
  mask: string;
}

const TASKSET = 'taskset';
const TASKSET_TIMEOUT_MS = 5_000;

/**
 * Why `pin` cannot be applied on this machine, or undefined when it can: taskset must be
 * installed and both CPUs must be in this process's own affinity list (a container or cgroup
 * may allow fewer CPUs than the host has).
 */
export function pinningUnavailable(pin: CpuPin, run: typeof taskset = taskset): string | undefined {
  let list: string;
  try {
    list = run(['-c', '-p', String(process.pid)]);
  } catch (err) {
    return `taskset unavailable (${describe(err)}): cannot pin server and client to separate cores`;
  }
  const allowed = parseCpuList(list.slice(list.lastIndexOf(':') + 1));
  if (allowed.size < 2) return `only ${allowed.size} CPU available to this process: cannot pin server and client to separate cores`;
  const missing = [pin.serverCpu, pin.clientCpu].filter((cpu) => !allowed.has(cpu));
  if (missing.length > 0) return `CPU ${missing.join(', ')} not in this process's affinity list (${[...allowed].join(',')})`;
  return undefined;
}

/** `0-2,5` → {0, 1, 2, 5}. */
export function parseCpuList(text: string): Set<number> {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) continue;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return cpus;
}

/** Parses `pid 123's current affinity mask: 3` lines (one per thread with `-a`). */
export function parseMasks(text: string): ThreadMask[] {
  const masks: ThreadMask[] = [];
  for (const [, tid, mask] of text.matchAll(/pid (\d+)'s current affinity mask: ([0-9a-fA-F,]+)/g)) masks.push({ tid: Number(tid), mask });
  return masks;
}

/**
 * Pins processes (every thread: libuv's pool and V8's platform threads too) for one cell and
 * puts back exactly the masks they had before, so the cells after it run as if it never happened.
 */
export class AffinityPins {
  private readonly saved: { pid: number; masks: ThreadMask[] }[] = [];

  constructor(private readonly run: typeof taskset = taskset) {}

  get active(): boolean {
    return this.saved.length > 0;
  }

  /** Reads the current masks of `pid`'s threads, then pins them all to `cpu`. */
  pin(pid: number, cpu: number): void {
    const masks = parseMasks(this.run(['-a', '-p', String(pid)]));
    if (masks.length === 0) throw new Error(`taskset printed no affinity for pid ${pid}`);
    this.saved.push({ pid, masks });
    this.run(['-a', '-p', '-c', String(cpu), String(pid)]);
  }

  /** Restores every pinned process; a process that has exited meanwhile is skipped. */
  restore(): void {
    for (const { pid, masks } of this.saved.splice(0)) {
      // One mask for every thread (the usual case): -a also covers threads started while pinned.
      if (masks.every((m) => m.mask === masks[0].mask)) this.tryRun(['-a', '-p', masks[0].mask, String(pid)]);
      else for (const { tid, mask } of masks) this.tryRun(['-p', mask, String(tid)]);
    }
  }

  private tryRun(args: string[]): void {
    try {
      this.run(args);
    } catch {
      // The process or thread has exited: nothing left to restore.
    }
  }
}

/** Runs taskset and returns its stdout; throws when it is missing or fails. */
export function taskset(args: string[]): string {
  return execFileSync(TASKSET, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TASKSET_TIMEOUT_MS });
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' ? 'not installed' : ((err as Error)?.message ?? String(err)).split('\n')[0];
}
