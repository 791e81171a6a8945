import { join } from 'path';
import { AffinityPins } from './affinity';
import { CellResult, CellSpec } from './cells';
import { BenchChild } from './child';
import { ClientMessage, COMMAND_FINISH, COMMAND_SLICE, COMMAND_WARM } from './child-protocol';
import { clientSpec, kill, parseClientLine, placeForCell, RunConfig, sampleServers, spawn, startServers, summarize, toResult } from './system-run';
import { SystemEntry } from '../systems';

/** One system's processes for a sliced cell, and what its slices added up to. */
interface Session {
  readonly entry: SystemEntry;
  readonly servers: BenchChild[];
  readonly client: BenchChild;
  idleRssMiB: number | undefined;
  activeMs: number;
  /** Whole turns (ramp, measured part, settling): what the servers' CPU time is divided by. */
  turnMs: number;
  serverCpuMs: number;
  serverRssMiB: number;
}

type Expected = ClientMessage['type'];

/**
 * How many slices a window is cut into: windowMs ÷ sliceMs, at least one.
 */
export function sliceCount(windowMs: number, sliceMs: number): number {
  return Math.max(1, Math.round(windowMs / Math.max(1, sliceMs)));
}

/**
 * The order the systems take their turns in slice `index`: as given in even slices, reversed in
 * odd ones, so a machine that speeds up or slows down across a round favours no position.
 */
export function sliceOrder<T>(systems: readonly T[], index: number): T[] {
  return index % 2 === 0 ? [...systems] : [...systems].reverse();
}

/**
 * Measures one cell for every system at once, in turns. All the systems' processes are started
 * (and pinned, for a pinned cell) first; each warms up in turn; then the window is cut into
 * slices (windowMs ÷ sliceMs, 500 ms in a full run) and the systems run one slice each, one
 * after the other (sliceOrder), until every one has had its window. Only one system has calls in
 * flight at any time; between turns a system's calls have all settled. So a slow phase of a
 * noisy machine lasting a second or more lands on every system of the cell alike, where one 4 s
 * window per system put a phase on whichever system it fell on (in-flight-1 rounds read
 * 1.04, 0.90 and 0.50 × raw JSON in bench/results/2026-12-02-4cf658c.json).
 *
 * Each turn starts with an unmeasured ramp (rampMs, 50 ms in a full run: the loop starting from
 * nothing in flight, on caches the previous system used), then is measured as a window is; the
 * calls in flight when it ends settle unmeasured. A system's req/s is its completions over the
 * sum of the measured parts, and its client CPU share CPU time over that sum; the servers' share
 * is over the whole turns (they are asked before and after each). A slice that
 * does not settle in time, a process that dies or a silent client ends that system's cell (stall
 * or error); the others go on.
 */
export async function runSlicedCell(entries: readonly SystemEntry[], cell: CellSpec, config: RunConfig): Promise<CellResult[]> {
  const results = new Map<string, CellResult>();
  const record = (entry: SystemEntry, result: Omit<CellResult, 'system' | 'cell'>): void => {
    results.set(entry.name, { system: entry.name, cell: cell.id, ...result });
    config.log(`  ${entry.name} ${cell.id}: ${summarize(results.get(entry.name)!)}`);
  };
  const sessions: Session[] = [];
  let live: Session[] = [];
  const pins = new AffinityPins();

  /** The next message of `type` from the session's client; anything else ends its cell (recorded). */
  const expect = async (session: Session, type: Expected, timeoutMs: number): Promise<ClientMessage | undefined> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await session.client.next(deadline - Date.now());
      if (event.kind === 'timeout') return fail(session, 'stall', `no ${type} within ${Math.round(timeoutMs / 1000)} s`);
      if (event.kind === 'exit') return fail(session, 'error', `client exited (${event.signal ?? event.code}): ${session.client.stderrTail}`);
      const message = parseClientLine(event);
      if (message === undefined) continue;
      if (message.type === 'ready') {
        session.idleRssMiB = message.idleRssMiB;
        continue;
      }
      if (message.type === type) return message;
      if (message.type === 'skipped') {
        record(session.entry, { status: 'n/a', reason: message.reason });
        live = live.filter((s) => s !== session);
        return undefined;
      }
      if (message.type === 'undrained') return fail(session, 'stall', `calls did not settle within ${config.drainMs} ms of a turn`);
      return fail(session, 'error', `client sent ${message.type} while the orchestrator waited for ${type}`);
    }
  };
  const fail = async (session: Session, status: 'stall' | 'error', reason: string): Promise<undefined> => {
    record(session.entry, { status, reason, clientIdleRssMiB: session.idleRssMiB });
    live = live.filter((s) => s !== session);
    await Promise.all([session.client, ...session.servers].map(kill));
    return undefined;
  };

  try {
    for (const entry of entries) {
      const servers = await startServers(entry, config);
      if ('unavailable' in servers) {
        record(entry, { status: 'n/a', reason: servers.unavailable });
        continue;
      }
      const client = spawn(entry, 'client', join(config.buildDir, 'bench', 'client-main.js'), [JSON.stringify(clientSpec(entry, servers.ports, [cell], config))], config);
      const session: Session = { entry, servers: servers.children, client, idleRssMiB: undefined, activeMs: 0, turnMs: 0, serverCpuMs: 0, serverRssMiB: 0 };
      sessions.push(session);
      live.push(session);
      await expect(session, 'start', config.startupTimeoutMs);
    }
    const go = placeForCell(cell, pins, live, config);
    for (const session of live) session.client.send(go);
    for (const session of [...live]) await expect(session, 'armed', config.startupTimeoutMs);
    const turnBudgetMs = (ms: number): number => ms + config.drainMs + config.graceMs;
    for (const session of [...live]) {
      session.client.send(COMMAND_WARM);
      await expect(session, 'warmed', turnBudgetMs(config.warmupMs));
    }
    const slices = sliceCount(config.windowMs, config.sliceMs);
    for (let index = 0; index < slices; index++) {
      for (const session of sliceOrder(live, index)) {
        if (!live.includes(session)) continue;
        await sampleServers(session.servers); // starts the servers' interval at the slice
        session.client.send(COMMAND_SLICE);
        const done = await expect(session, 'sliced', turnBudgetMs(config.rampMs + config.sliceMs));
        if (done?.type !== 'sliced') continue;
        const server = await sampleServers(session.servers);
        if (server === undefined || session.servers.some((s) => !s.alive)) {
          await fail(session, 'error', `a server ${server === undefined ? 'did not answer stats' : 'exited'}: ${session.servers.map((s) => s.stderrTail).join(' ') || 'no output'}`);
          continue;
        }
        if (config.verbose) config.log(`    ${session.entry.name} slice ${index + 1}/${slices}: ${done.completions} calls in ${done.activeMs} ms`);
        session.activeMs += done.activeMs;
        session.turnMs += done.turnMs;
        session.serverCpuMs += server.cpuMs;
        session.serverRssMiB = Math.max(session.serverRssMiB, server.rssMiB);
      }
    }
    for (const session of [...live]) {
      session.client.send(COMMAND_FINISH);
      const done = await expect(session, 'result', config.startupTimeoutMs);
      if (done?.type !== 'result') continue;
      // The servers are asked before and after each whole turn; their share is over the whole turns.
      const cpuPct = Math.round((session.serverCpuMs / Math.max(1, session.turnMs)) * 100);
      record(session.entry, { ...toResult(done.measurement, { rssMiB: session.serverRssMiB, cpuPct }), clientIdleRssMiB: session.idleRssMiB });
    }
  } finally {
    pins.restore();
    await Promise.all(sessions.flatMap((s) => [s.client, ...s.servers]).map((child) => child.stop(config.profileDir ? 10_000 : 3_000)));
  }
  return entries.map((entry) => results.get(entry.name) ?? { system: entry.name, cell: cell.id, status: 'error', reason: 'not measured' });
}
