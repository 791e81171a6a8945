import { appendFileSync } from 'fs';
import { join } from 'path';
import { AffinityPins } from './affinity';
import { CellMeasurement, CellResult, CellSpec, ProcessStats } from './cells';
import { BenchChild, ChildEvent } from './child';
import { SampledStats } from './process-sampler';
import { ClientMessage, ClientSpec, CLIENT_LINE, COMMAND_GO, COMMAND_SKIP, COMMAND_STATS, SERVER_READY, SERVER_STATS, SERVER_UNAVAILABLE } from './child-protocol';
import { SystemEntry } from '../systems';

export interface RunConfig {
  /** Transpiled tree from `buildForRun` (bench/.build). */
  buildDir: string;
  warmupMs: number;
  windowMs: number;
  drainMs: number;
  /** Slack on top of warm-up + window + drain before a cell is declared stalled. */
  graceMs: number;
  startupTimeoutMs: number;
  /** Measured turn length of sliced cells, and the unmeasured ramp before it (lib/sliced-run.ts). */
  sliceMs: number;
  rampMs: number;
  profileDir: string | undefined;
  /** V8's sampling interval for the profiles (µs); undefined keeps its default. */
  profileIntervalUs?: number;
  /** Why cells with a `pin` cannot be pinned here (no taskset, < 2 CPUs): they are reported n/a. */
  pinningUnavailable: string | undefined;
  verbose: boolean;
  /** A file every child's `{ pid, system, role }` is appended to as a JSON line (bench/tools/critical-path.ts). */
  pidLog?: string;
  log(line: string): void;
}

const STATS_TIMEOUT_MS = 2_000;

export type Servers = { children: BenchChild[]; ports: number[] } | { unavailable: string };

/**
 * Runs `cells` for one system. Each attempt starts the server(s) and a client that works
 * through the remaining cells; a cell that stalls (no result in time), crashes a process or
 * leaves calls hanging ends the attempt: every process is killed and the next attempt resumes
 * at the following cell.
 */
export async function runSystem(entry: SystemEntry, cells: CellSpec[], config: RunConfig): Promise<CellResult[]> {
  const results = new Map<string, CellResult>();
  let remaining = cells;
  while (remaining.length > 0) {
    const servers = await startServers(entry, config);
    if ('unavailable' in servers) {
      for (const cell of remaining) results.set(cell.id, { system: entry.name, cell: cell.id, status: 'n/a', reason: servers.unavailable });
      break;
    }
    const client = spawn(entry, 'client', join(config.buildDir, 'bench', 'client-main.js'), [JSON.stringify(clientSpec(entry, servers.ports, remaining, config))], config);
    const clean = await driveClient(entry, client, servers.children, remaining, results, config);
    await Promise.all([client, ...servers.children].map((child) => (clean ? child.stop(config.profileDir ? 10_000 : 3_000) : kill(child))));
    remaining = remaining.filter((cell) => !results.has(cell.id));
  }
  return cells.map((cell) => results.get(cell.id)!);
}

export async function startServers(entry: SystemEntry, config: RunConfig): Promise<Servers> {
  const children: BenchChild[] = [];
  const ports: number[] = [];
  const count = entry.servers ?? 1;
  for (let i = 0; i < count; i++) {
    const child = spawn(entry, count > 1 ? `server${i + 1}` : 'server', join(config.buildDir, 'bench', 'server-main.js'), [entry.name], config);
    children.push(child);
    const ready = await firstOf(child, [SERVER_READY, SERVER_UNAVAILABLE], config.startupTimeoutMs);
    if (ready?.prefix === SERVER_READY) {
      ports.push(Number(ready.rest));
      continue;
    }
    await Promise.all(children.map(kill));
    const why = ready?.rest ?? `server ${child.alive ? `did not start within ${config.startupTimeoutMs} ms` : 'exited'}: ${child.stderrTail || 'no output'}`;
    return { unavailable: why };
  }
  return { children, ports };
}

/** Follows the client's events; returns true when it finished every cell and exited cleanly. */
async function driveClient(
  entry: SystemEntry,
  client: BenchChild,
  servers: BenchChild[],
  cells: CellSpec[],
  results: Map<string, CellResult>,
  config: RunConfig,
): Promise<boolean> {
  const cellBudgetMs = config.warmupMs + config.windowMs + config.drainMs + config.graceMs;
  const record = (cell: string, result: Omit<CellResult, 'system' | 'cell'>): void => {
    results.set(cell, { system: entry.name, cell, ...result, clientIdleRssMiB: idleRssMiB });
    config.log(`  ${entry.name} ${cell}: ${summarize(results.get(cell)!)}`);
  };
  let current: string | undefined;
  let idleRssMiB: number | undefined;
  let deadline = Date.now() + config.startupTimeoutMs;
  const pins = new AffinityPins();
  try {
    return await followClient();
  } finally {
    pins.restore();
  }

  async function followClient(): Promise<boolean> {
    for (;;) {
      const event = await client.next(deadline - Date.now());
      const message = parseClientLine(event);
      if (event.kind === 'timeout' || event.kind === 'exit') {
        const cell = current ?? cells.find((c) => !results.has(c.id))?.id;
        if (cell === undefined) return event.kind === 'exit';
        const why = event.kind === 'timeout' ? `no result within ${Math.round((current ? cellBudgetMs : config.startupTimeoutMs) / 1000)} s` : `client exited (${event.signal ?? event.code}): ${client.stderrTail}`;
        record(cell, { status: event.kind === 'timeout' ? 'stall' : 'error', reason: why });
        return false;
      }
      if (message === undefined) continue;
      switch (message.type) {
        case 'start':
          current = message.cell;
          deadline = Date.now() + cellBudgetMs;
          client.send(placeForCell(cells.find((c) => c.id === message.cell), pins, [{ client, servers }], config));
          break;
        case 'window':
          await serverStats(servers);
          break;
        case 'result':
          pins.restore();
          record(message.measurement.cell, toResult(message.measurement, await serverStats(servers)));
          current = undefined;
          if (servers.some((s) => !s.alive)) return false;
          break;
        case 'skipped':
          record(message.cell, { status: 'n/a', reason: message.reason });
          current = undefined;
          break;
        case 'undrained':
          return false;
        case 'done':
          return true;
        case 'ready':
          idleRssMiB = message.idleRssMiB;
          break;
      }
    }
  }
}

/**
 * Before a cell: pins the processes for a cell with a `pin` (restoring whatever an earlier cell
 * pinned otherwise), every group's servers to one core and clients to the other, and returns the
 * command that lets the client(s) start it, or skip it with the reason pinning failed.
 */
export function placeForCell(cell: CellSpec | undefined, pins: AffinityPins, groups: readonly { client: BenchChild; servers: readonly BenchChild[] }[], config: RunConfig): string {
  pins.restore();
  if (cell?.pin === undefined) return COMMAND_GO;
  if (config.pinningUnavailable !== undefined) return `${COMMAND_SKIP} ${config.pinningUnavailable}`;
  try {
    for (const { client, servers } of groups) {
      for (const server of servers) pins.pin(requirePid(server), cell.pin.serverCpu);
      pins.pin(requirePid(client), cell.pin.clientCpu);
    }
    config.log(`  ${cell.id}: server(s) pinned to CPU ${cell.pin.serverCpu}, client(s) to CPU ${cell.pin.clientCpu}`);
    return COMMAND_GO;
  } catch (err) {
    pins.restore();
    return `${COMMAND_SKIP} could not pin to separate cores: ${((err as Error)?.message ?? String(err)).split('\n')[0]}`;
  }
}

function requirePid(child: BenchChild): number {
  if (child.pid === undefined) throw new Error(`${child.name} has no pid`);
  return child.pid;
}

export function toResult(measurement: CellMeasurement, server: ProcessStats | undefined): Omit<CellResult, 'system' | 'cell'> {
  const { completions, errors, firstError } = measurement;
  if (completions > 0) return { ...measurement, status: 'ok', server };
  if (errors > 0) return { ...measurement, status: 'error', reason: firstError, server };
  return { ...measurement, status: 'stall', reason: 'no call completed in the window', server };
}

/** Stats of every server since the previous ask: peak RSS summed, CPU summed. */
async function serverStats(servers: BenchChild[]): Promise<ProcessStats | undefined> {
  const sum = await sampleServers(servers);
  return sum === undefined ? undefined : { rssMiB: sum.rssMiB, cpuPct: sum.cpuPct };
}

/** Every server's stats since the previous ask (ProcessSampler.take), summed; undefined if one did not answer. */
export async function sampleServers(servers: BenchChild[]): Promise<SampledStats | undefined> {
  const answers = await Promise.all(
    servers.map(async (server) => {
      server.send(COMMAND_STATS);
      const line = await server.nextWithPrefix(SERVER_STATS, STATS_TIMEOUT_MS);
      return typeof line === 'string' ? (JSON.parse(line) as SampledStats) : undefined;
    }),
  );
  if (answers.some((a) => a === undefined)) return undefined;
  return answers.reduce<SampledStats>((sum, a) => ({ rssMiB: sum.rssMiB + a!.rssMiB, cpuPct: sum.cpuPct + a!.cpuPct, cpuMs: sum.cpuMs + a!.cpuMs }), { rssMiB: 0, cpuPct: 0, cpuMs: 0 });
}

export function clientSpec(entry: SystemEntry, ports: number[], cells: CellSpec[], config: RunConfig): ClientSpec {
  return { system: entry.name, host: '127.0.0.1', ports, cells, warmupMs: config.warmupMs, windowMs: config.windowMs, drainMs: config.drainMs, sliceMs: config.sliceMs, rampMs: config.rampMs };
}

export function spawn(entry: SystemEntry, role: string, script: string, args: string[], config: RunConfig): BenchChild {
  const interval = config.profileIntervalUs === undefined ? [] : [`--cpu-prof-interval=${config.profileIntervalUs}`];
  const nodeArgs = config.profileDir ? ['--cpu-prof', ...interval, `--cpu-prof-dir=${join(config.profileDir, `${entry.name}-${role}`)}`] : [];
  const child = new BenchChild(`${entry.name}/${role}`, script, args, { baseUrl: config.buildDir, nodeArgs, verbose: config.verbose });
  if (config.pidLog !== undefined && child.pid !== undefined) appendFileSync(config.pidLog, `${JSON.stringify({ pid: child.pid, system: entry.name, role })}\n`);
  return child;
}

async function firstOf(child: BenchChild, prefixes: string[], timeoutMs: number): Promise<{ prefix: string; rest: string } | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await child.next(deadline - Date.now());
    if (event.kind !== 'line') return undefined;
    const prefix = prefixes.find((p) => event.line.startsWith(p));
    if (prefix !== undefined) return { prefix, rest: event.line.slice(prefix.length).trim() };
  }
}

export function parseClientLine(event: ChildEvent): ClientMessage | undefined {
  if (event.kind !== 'line' || !event.line.startsWith(CLIENT_LINE)) return undefined;
  try {
    return JSON.parse(event.line.slice(CLIENT_LINE.length)) as ClientMessage;
  } catch {
    return undefined;
  }
}

export async function kill(child: BenchChild): Promise<void> {
  child.kill();
  await child.exited;
}

export function summarize(result: CellResult): string {
  if (result.status !== 'ok') return `${result.status}${result.reason ? ` (${result.reason})` : ''}`;
  return `${result.reqPerSec} req/s, p99 ${result.p99Ms} ms${result.errors ? `, ${result.errors} errors` : ''}`;
}
