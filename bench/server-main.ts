/**
 * Server child: `server-main.ts <system>`. Starts the system's server, prints `READY <port>`
 * (or `UNAVAILABLE <reason>`), answers `stats` with `STATS {rssMiB, cpuPct}` (since the last ask)
 * and exits on `exit`, SIGTERM, or when the orchestrator goes away.
 */
import 'reflect-metadata';
import { COMMAND_EXIT, COMMAND_STATS, onStdinCommands, SERVER_READY, SERVER_STATS, SERVER_UNAVAILABLE } from './lib/child-protocol';
import { ProcessSampler } from './lib/process-sampler';
import { findSystem } from './systems';
import { ServerHandle } from './systems/types';

const CLOSE_TIMEOUT_MS = 2_000;

async function main(): Promise<void> {
  const name = process.argv[2];
  const system = await findSystem(name).load();
  const unavailable = system.probe?.();
  if (unavailable !== undefined) {
    process.stdout.write(`${SERVER_UNAVAILABLE}${unavailable.replace(/\s+/g, ' ')}\n`);
    process.exit(0);
  }
  const sampler = new ProcessSampler();
  const handle = await system.startServer();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void closeWithin(handle, CLOSE_TIMEOUT_MS).finally(() => process.exit(0));
  };
  onStdinCommands((command) => {
    if (command === COMMAND_STATS) process.stdout.write(`${SERVER_STATS}${JSON.stringify(sampler.take())}\n`);
    else if (command === COMMAND_EXIT) stop();
  }, stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`${SERVER_READY}${handle.port}\n`);
}

function closeWithin(handle: ServerHandle, timeoutMs: number): Promise<void> {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
  return Promise.race([handle.close().catch(() => undefined), timeout]);
}

main().catch((err: unknown) => {
  process.stderr.write(`server ${process.argv[2]} failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
