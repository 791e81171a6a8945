import { execFileSync } from 'child_process';
import { resolve } from 'path';
import { buildForRun } from '../../bench/lib/build';
import { CellSpec } from '../../bench/lib/cells';
import { killAllChildren } from '../../bench/lib/child';
import { sliceCount, sliceOrder, runSlicedCell } from '../../bench/lib/sliced-run';
import { RunConfig } from '../../bench/lib/system-run';
import { findSystem } from '../../bench/systems';

const ROOT = resolve(__dirname, '../..');
const CELL: CellSpec = { id: 'small@1', kind: 'unary', payload: 'small', concurrency: 1, sliced: true };

/** Short turns: 200 ms warm-up, a 600 ms window in three 200 ms slices, each after a 20 ms ramp. */
function config(buildDir: string, log: (line: string) => void): RunConfig {
  return { buildDir, warmupMs: 200, windowMs: 600, sliceMs: 200, rampMs: 20, drainMs: 300, graceMs: 3_000, startupTimeoutMs: 30_000, profileDir: undefined, pinningUnavailable: undefined, verbose: true, log };
}

/** Pid of the running bench server of `system` (its command line names it). */
function serverPid(system: string): number {
  const out = execFileSync('pgrep', ['-f', `bench/server-main.js ${system}$`], { encoding: 'utf8' }).trim().split('\n');
  expect(out).toHaveLength(1);
  return Number(out[0]);
}

describe('bench sliced cells', () => {
  let buildDir: string;
  beforeAll(() => {
    buildDir = buildForRun(ROOT);
  }, 60_000);
  afterAll(killAllChildren);

  it('cuts the window into slices and alternates the order slice by slice', () => {
    expect(sliceCount(4_000, 500)).toBe(8);
    expect(sliceCount(600, 200)).toBe(3);
    expect(sliceCount(100, 500)).toBe(1);
    expect([0, 1, 2].map((i) => sliceOrder(['a', 'b', 'c'], i).join(''))).toEqual(['abc', 'cba', 'abc']);
  });

  it('runs the systems of a cell in turns, all alive at once, and measures each over its slices', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const results = await runSlicedCell([findSystem('raw-json'), findSystem('raw-echo')], CELL, config(buildDir, (line) => lines.push(line)));
    const tookMs = Date.now() - started;
    const turns = lines.filter((l) => / slice \d\/3:/.test(l)).map((l) => l.trim().split(' ').slice(0, 3).join(' '));
    expect(turns).toEqual(['raw-json slice 1/3:', 'raw-echo slice 1/3:', 'raw-echo slice 2/3:', 'raw-json slice 2/3:', 'raw-json slice 3/3:', 'raw-echo slice 3/3:']);
    expect(results.map((r) => [r.system, r.cell, r.status])).toEqual([
      ['raw-json', 'small@1', 'ok'],
      ['raw-echo', 'small@1', 'ok'],
    ]);
    for (const result of results) {
      // The window is the measured parts of the three slices: 200 ms each (a timer may fire up to a ms early).
      expect(result.windowMs).toBeGreaterThanOrEqual(597);
      expect(result.windowMs).toBeLessThan(660);
      expect(result.completions).toBeGreaterThan(100);
      // windowMs is rounded to the ms; req/s is computed from the exact sum.
      expect(Math.abs(result.reqPerSec! - (result.completions! / result.windowMs!) * 1000)).toBeLessThan(result.reqPerSec! * 0.01);
      expect(result.errors).toBe(0);
      // CPU shares over the slices, not over the idle turns in between (a closed loop at 1 in flight keeps both ends busy a good part of the time).
      expect(result.client!.cpuPct).toBeGreaterThan(20);
      expect(result.server!.cpuPct).toBeGreaterThan(20);
      expect(result.server!.rssMiB).toBeGreaterThan(20);
      expect(result.clientIdleRssMiB).toBeGreaterThan(20);
    }
    // 2 × (start + warm-up) + 6 slices, with process starts the most of it.
    expect(tookMs).toBeLessThan(20_000);
  }, 60_000);

  it('records a system whose calls stop settling as a stall, within drainMs, and measures the others', async () => {
    const lines: string[] = [];
    let frozen: number | undefined;
    const log = (line: string): void => {
      lines.push(line);
      // After raw-echo's first slice (the order is raw-json, raw-echo | raw-echo, raw-json | ...): raw-json's server stops dead.
      if (frozen === undefined && line.includes('raw-echo slice 1/3')) process.kill((frozen = serverPid('raw-json')), 'SIGSTOP');
    };
    const results = await runSlicedCell([findSystem('raw-json'), findSystem('raw-echo')], CELL, config(buildDir, log));
    expect(frozen).toBeDefined();
    expect(results[0]).toMatchObject({ system: 'raw-json', status: 'stall', reason: 'calls did not settle within 300 ms of a turn' });
    expect(results[1]).toMatchObject({ system: 'raw-echo', status: 'ok', errors: 0 });
    expect(lines.filter((l) => l.includes('raw-echo slice')).length).toBe(3);
    // The frozen server was killed with its client: nothing of raw-json is left running.
    expect(() => process.kill(frozen!, 0)).toThrow();
  }, 60_000);
});
