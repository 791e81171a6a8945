import { isDeepStrictEqual } from 'util';
import { performance } from 'perf_hooks';
import { setTimeout as sleep } from 'timers/promises';
import { CellMeasurement, CellSpec, ProcessStats } from './cells';
import { LatencyRecorder, round2 } from './latency';
import { buildPayload } from './payloads';
import { ProcessSampler } from './process-sampler';
import { BenchClient } from '../systems/types';

export interface CellTiming {
  warmupMs: number;
  windowMs: number;
}

export interface CellRun {
  measurement: CellMeasurement;
  /** Resolves once every worker has settled its last call. */
  settled: Promise<void>;
}

interface LoadState {
  stopped: boolean;
  measuring: boolean;
  completions: number;
  values: number;
  errors: number;
  firstError: string | undefined;
}

const recorder = new LatencyRecorder();
const sampler = new ProcessSampler();

/**
 * `cell.concurrency` closed-loop workers (each starts its next call when the previous one
 * settles). Completions and errors count, and latencies are recorded, only while `measuring`.
 * Errors are followed by a macrotask yield, so a client that fails synchronously cannot starve
 * the event loop.
 */
class ClosedLoop {
  readonly state: LoadState = { stopped: true, measuring: false, completions: 0, values: 0, errors: 0, firstError: undefined };
  private readonly operation: () => Promise<number>;

  constructor(client: BenchClient, private readonly cell: CellSpec) {
    const payload = buildPayload(cell.payload);
    this.operation = cell.kind === 'stream' ? streamOperation(client, cell.streamCount ?? 0) : () => client.call(payload).then(() => 1);
  }

  /** Starts the workers; the promise resolves once `stop()` was called and every one has settled its last call. */
  start(): Promise<void> {
    this.state.stopped = false;
    return Promise.all(Array.from({ length: this.cell.concurrency }, () => this.worker())).then(() => undefined);
  }

  /** No worker starts another call; the ones in flight still count while measuring. */
  stop(): void {
    this.state.stopped = true;
  }

  private async worker(): Promise<void> {
    const state = this.state;
    while (!state.stopped) {
      const started = performance.now();
      try {
        const values = await this.operation();
        if (state.measuring) {
          recorder.add(performance.now() - started);
          state.completions++;
          state.values += values;
        }
      } catch (err) {
        if (state.measuring) {
          state.errors++;
          state.firstError ??= describe(err);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  measurement(windowMs: number, client: ProcessStats): CellMeasurement {
    const { cell, state } = this;
    return {
      cell: cell.id,
      windowMs: Math.round(windowMs),
      completions: state.completions,
      errors: state.errors,
      firstError: state.firstError,
      reqPerSec: Math.round((state.completions / windowMs) * 1000),
      valuesPerSec: cell.kind === 'stream' ? Math.round((state.values / windowMs) * 1000) : undefined,
      ...recorder.percentiles(),
      client,
    };
  }
}

/** Drives the cell's closed loop through a warm-up, then measures one window. */
export async function runCell(client: BenchClient, cell: CellSpec, timing: CellTiming, onWindow: () => void): Promise<CellRun> {
  const load = new ClosedLoop(client, cell);
  const settled = load.start();
  await sleep(timing.warmupMs);
  recorder.reset();
  sampler.take();
  load.state.measuring = true;
  const windowStart = performance.now();
  onWindow();
  await sleep(timing.windowMs);
  load.state.measuring = false;
  const windowMs = performance.now() - windowStart;
  const { rssMiB, cpuPct } = sampler.take();
  load.stop();
  return { measurement: load.measurement(windowMs, { rssMiB, cpuPct }), settled };
}

/** What one turn of a sliced cell did. */
export interface SliceRun {
  /** The measured part of the turn (after its ramp, until it stops starting calls), ms. */
  activeMs: number;
  /** The whole turn: ramp, measured part and the settling of its last calls, ms. */
  turnMs: number;
  completions: number;
  /** False when the calls in flight did not settle within `drainMs` after the turn (a stall). */
  settled: boolean;
}

/**
 * A sliced cell (lib/sliced-run.ts): the same closed loop, run in turns. Between turns no call
 * is in flight, so the systems of a cell can take turns on the machine a few hundred ms at a
 * time. Each measured turn starts with an unmeasured ramp (the loop starting from nothing in
 * flight, on caches another system just used), then is measured as a window is: completions
 * and latencies of the calls that finish in it, CPU over it. The calls still in flight when it
 * ends settle unmeasured, before the next system's turn. The cell's window is the sum of the
 * measured parts.
 */
export class SlicedLoad {
  private readonly load: ClosedLoop;
  private activeMs = 0;
  private cpuMs = 0;
  private slices = 0;

  constructor(client: BenchClient, cell: CellSpec) {
    this.load = new ClosedLoop(client, cell);
  }

  /** Runs unmeasured for `ms` (warm-up), then settles. */
  warm(ms: number, drainMs: number): Promise<SliceRun> {
    return this.turn(0, ms, drainMs, false);
  }

  /** Ramps unmeasured for `rampMs`, runs measured for `ms`, then settles unmeasured. */
  slice(rampMs: number, ms: number, drainMs: number): Promise<SliceRun> {
    return this.turn(rampMs, ms, drainMs, true);
  }

  /** The cell's figures over every slice so far. */
  measurement(): CellMeasurement {
    const { rssMiB } = sampler.take();
    const windowMs = Math.max(1, this.activeMs);
    return this.load.measurement(windowMs, { rssMiB, cpuPct: Math.round((this.cpuMs / windowMs) * 100) });
  }

  private async turn(rampMs: number, ms: number, drainMs: number, measured: boolean): Promise<SliceRun> {
    const state = this.load.state;
    const before = state.completions;
    const started = performance.now();
    const settled = this.load.start();
    if (rampMs > 0) await sleep(rampMs);
    if (measured && this.slices++ === 0) {
      recorder.reset();
      sampler.take();
    }
    const cpu = process.cpuUsage();
    const from = performance.now();
    state.measuring = measured;
    await sleep(ms);
    state.measuring = false;
    // Rounded once, here: the window is the sum of the turns' activeMs exactly as each turn reports it.
    const activeMs = round2(performance.now() - from);
    if (measured) {
      const used = process.cpuUsage(cpu);
      this.activeMs += activeMs;
      this.cpuMs += (used.user + used.system) / 1000;
    }
    this.load.stop();
    const inTime = await settlesWithin(settled, drainMs);
    return { activeMs, turnMs: round2(performance.now() - started), completions: state.completions - before, settled: inTime };
  }
}

/** True when `settled` resolves within `ms`; the timer goes either way. */
export async function settlesWithin(settled: Promise<void>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const expired = sleep(ms, false, { signal: timer.signal }).catch(() => true);
  try {
    return await Promise.race([settled.then(() => true), expired]);
  } finally {
    timer.abort();
  }
}

/** One call before the cell: the system must echo the payload back unchanged. */
export async function checkEcho(client: BenchClient, cell: CellSpec): Promise<string | undefined> {
  const payload = buildPayload(cell.payload);
  const answer = await client.call(payload);
  if (Buffer.isBuffer(answer)) return answer.equals(Buffer.from(JSON.stringify(payload))) ? undefined : 'echoed bytes differ';
  return isDeepStrictEqual(normalize(answer), normalize(payload)) ? undefined : `echo mismatch: ${JSON.stringify(answer).slice(0, 120)}`;
}

function streamOperation(client: BenchClient, count: number): () => Promise<number> {
  const stream = client.stream;
  if (stream === undefined) throw new Error('this system has no streaming call');
  return async () => {
    const received = await stream.call(client, count);
    if (received !== count) throw new Error(`stream delivered ${received} of ${count} values`);
    return received;
  };
}

/** Plain-JSON view (drops prototypes such as protobuf message classes). */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 200);
  return JSON.stringify(err)?.slice(0, 200) ?? String(err);
}
