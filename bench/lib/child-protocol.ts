import { CellMeasurement, CellSpec } from './cells';

/** Lines the children print on stdout that the orchestrator reads; anything else is ignored. */
export const SERVER_READY = 'READY ';
export const SERVER_STATS = 'STATS ';
export const SERVER_UNAVAILABLE = 'UNAVAILABLE ';
export const CLIENT_LINE = '@@bench ';

/** Commands the orchestrator writes to a child's stdin, one per line. */
export const COMMAND_STATS = 'stats';
export const COMMAND_EXIT = 'exit';
/**
 * The client waits for one of these after announcing a cell, so the orchestrator can change the
 * processes' CPU affinity between cells only (never during a warm-up or window).
 */
export const COMMAND_GO = 'go';
/** `skip <reason>`: report the cell n/a with that reason and go on to the next one. */
export const COMMAND_SKIP = 'skip';
/**
 * A sliced cell (lib/sliced-run.ts) runs in turns the orchestrator hands out: `warm` runs the
 * warm-up, each `slice` one measured slice (the client answers `warmed` / `sliced` once its calls
 * have settled), `finish` asks for the cell's result.
 */
export const COMMAND_WARM = 'warm';
export const COMMAND_SLICE = 'slice';
export const COMMAND_FINISH = 'finish';

/** What the client child is told to do (argv[2], JSON). */
export interface ClientSpec {
  system: string;
  host: string;
  ports: number[];
  cells: CellSpec[];
  warmupMs: number;
  windowMs: number;
  /** How long finished workers may take to settle their last calls after the window. */
  drainMs: number;
  /** Measured length of one turn of a sliced cell (its window is cut into windowMs ÷ sliceMs turns). */
  sliceMs: number;
  /** Unmeasured start of every turn: the loop ramping up from nothing in flight. */
  rampMs: number;
}

export type ClientMessage =
  | { type: 'ready'; idleRssMiB: number }
  | { type: 'start'; cell: string }
  | { type: 'window'; cell: string }
  | { type: 'result'; measurement: CellMeasurement }
  | { type: 'skipped'; cell: string; reason: string }
  | { type: 'undrained'; cell: string }
  /** Sliced cells: the echo check passed and the client waits for its turns. */
  | { type: 'armed'; cell: string }
  | { type: 'warmed'; cell: string }
  | { type: 'sliced'; cell: string; activeMs: number; turnMs: number; completions: number }
  | { type: 'done' };

/** Reads commands from stdin; `onEnd` also runs when the parent goes away (stdin closes). */
export function onStdinCommands(onCommand: (command: string) => void, onEnd: () => void): void {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') onCommand(line);
    }
  });
  process.stdin.on('end', onEnd);
  process.stdin.on('close', onEnd);
}
