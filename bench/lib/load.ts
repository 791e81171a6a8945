import { isDeepStrictEqual } from 'util';
import { performance } from 'perf_hooks';
import { setTimeout as sleep } from 'timers/promises';
import { CellMeasurement, CellSpec } from './cells';
import { LatencyRecorder } from './latency';
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
 * Drives `cell.concurrency` closed-loop workers (each starts its next call when the previous
 * one settles) through a warm-up, then measures one window. Errors are counted and followed by
 * a macrotask yield, so a client that fails synchronously cannot starve the event loop.
 */
export async function runCell(client: BenchClient, cell: CellSpec, timing: CellTiming, onWindow: () => void): Promise<CellRun> {
  const payload = buildPayload(cell.payload);
  const operation = cell.kind === 'stream' ? streamOperation(client, cell.streamCount ?? 0) : () => client.call(payload).then(() => 1);
  const state: LoadState = { stopped: false, measuring: false, completions: 0, values: 0, errors: 0, firstError: undefined };

  const worker = async (): Promise<void> => {
    while (!state.stopped) {
      const started = performance.now();
      try {
        const values = await operation();
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
  };
  const workers = Array.from({ length: cell.concurrency }, worker);

  await sleep(timing.warmupMs);
  recorder.reset();
  sampler.take();
  state.measuring = true;
  const windowStart = performance.now();
  onWindow();
  await sleep(timing.windowMs);
  state.measuring = false;
  const windowMs = performance.now() - windowStart;
  const clientStats = sampler.take();
  state.stopped = true;

  const measurement: CellMeasurement = {
    cell: cell.id,
    windowMs: Math.round(windowMs),
    completions: state.completions,
    errors: state.errors,
    firstError: state.firstError,
    reqPerSec: Math.round((state.completions / windowMs) * 1000),
    valuesPerSec: cell.kind === 'stream' ? Math.round((state.values / windowMs) * 1000) : undefined,
    ...recorder.percentiles(),
    client: clientStats,
  };
  return { measurement, settled: Promise.all(workers).then(() => undefined) };
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
