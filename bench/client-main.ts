/**
 * Client child: `client-main.ts '<ClientSpec JSON>'`. Connects, runs the cells in order and
 * prints one `@@bench {json}` line per event (start, window, result...). Exits with code 3 when
 * a cell's calls do not settle after its window, so the orchestrator restarts both sides.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ClientMessage, ClientSpec, CLIENT_LINE, COMMAND_EXIT, COMMAND_FINISH, COMMAND_GO, COMMAND_SKIP, COMMAND_SLICE, COMMAND_WARM, onStdinCommands } from './lib/child-protocol';
import { CellSpec } from './lib/cells';
import { checkEcho, runCell, settlesWithin, SlicedLoad } from './lib/load';
import { findSystem } from './systems';
import { BenchClient } from './systems/types';

const EXIT_UNDRAINED = 3;
const CLOSE_TIMEOUT_MS = 2_000;

function emit(message: ClientMessage): void {
  process.stdout.write(`${CLIENT_LINE}${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as ClientSpec;
  Logger.overrideLogger(['error']);
  const cellGate = new CommandQueue();
  onStdinCommands((command) => (command === COMMAND_EXIT ? process.exit(0) : cellGate.push(command)), () => process.exit(0));

  const system = await findSystem(spec.system).load();
  const client = await system.createClient({ host: spec.host, ports: spec.ports });
  emit({ type: 'ready', idleRssMiB: Math.round(process.memoryUsage.rss() / 2 ** 20) });

  for (const cell of spec.cells) {
    emit({ type: 'start', cell: cell.id });
    const command = await cellGate.next();
    if (command.startsWith(COMMAND_SKIP)) {
      emit({ type: 'skipped', cell: cell.id, reason: command.slice(COMMAND_SKIP.length).trim() });
      continue;
    }
    if (command !== COMMAND_GO) throw new Error(`unexpected command "${command}" before cell ${cell.id}`);
    if (cell.kind === 'stream' && client.stream === undefined) {
      emit({ type: 'skipped', cell: cell.id, reason: 'this system has no streaming call' });
      continue;
    }
    const mismatch = cell.kind === 'unary' ? await checkEcho(client, cell) : undefined;
    if (mismatch !== undefined) {
      emit({ type: 'skipped', cell: cell.id, reason: mismatch });
      continue;
    }
    if (cell.sliced === true) {
      await runSliced(client, cell, spec, cellGate);
      continue;
    }
    const run = await runCell(client, cell, spec, () => emit({ type: 'window', cell: cell.id }));
    emit({ type: 'result', measurement: run.measurement });
    const settled = await settlesWithin(run.settled, spec.drainMs);
    if (!settled) {
      emit({ type: 'undrained', cell: cell.id });
      process.exit(EXIT_UNDRAINED);
    }
  }
  await closeWithin(client, CLOSE_TIMEOUT_MS);
  emit({ type: 'done' });
  process.exit(0);
}

/**
 * A sliced cell: warm-up and slices when the orchestrator says (lib/sliced-run.ts), then the
 * result. A slice whose calls do not settle ends the process as a window's do.
 */
async function runSliced(client: BenchClient, cell: CellSpec, spec: ClientSpec, gate: CommandQueue): Promise<void> {
  const load = new SlicedLoad(client, cell);
  emit({ type: 'armed', cell: cell.id });
  for (;;) {
    const command = await gate.next();
    if (command === COMMAND_FINISH) break;
    if (command !== COMMAND_WARM && command !== COMMAND_SLICE) throw new Error(`unexpected command "${command}" in sliced cell ${cell.id}`);
    const turn = command === COMMAND_WARM ? await load.warm(spec.warmupMs, spec.drainMs) : await load.slice(spec.rampMs, spec.sliceMs, spec.drainMs);
    if (!turn.settled) {
      emit({ type: 'undrained', cell: cell.id });
      process.exit(EXIT_UNDRAINED);
    }
    emit(command === COMMAND_WARM ? { type: 'warmed', cell: cell.id } : { type: 'sliced', cell: cell.id, activeMs: turn.activeMs, turnMs: turn.turnMs, completions: turn.completions });
  }
  emit({ type: 'result', measurement: load.measurement() });
}

/** Orchestrator commands in arrival order, awaited one at a time. */
class CommandQueue {
  private readonly queued: string[] = [];
  private waiter: ((command: string) => void) | undefined;

  push(command: string): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) waiter(command);
    else this.queued.push(command);
  }

  next(): Promise<string> {
    const queued = this.queued.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function closeWithin(client: BenchClient, timeoutMs: number): Promise<void> {
  return Promise.race([client.close().catch(() => undefined), delay(timeoutMs)]);
}

main().catch((err: unknown) => {
  process.stderr.write(`client ${process.argv[2]?.slice(0, 80)} failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
