import { CellSpec } from '../../bench/lib/cells';
import { SlicedLoad } from '../../bench/lib/load';
import { BenchClient } from '../../bench/systems/types';

const CELL: CellSpec = { id: 'small@4', kind: 'unary', payload: 'small', concurrency: 4, sliced: true };

/** Answers every call on the next macrotask; `hang()` makes every later call never answer. */
function fakeClient(): BenchClient & { calls: number; inFlight: number; maxInFlight: number; hang(): void } {
  let hanging = false;
  const client = {
    calls: 0,
    inFlight: 0,
    maxInFlight: 0,
    hang: () => void (hanging = true),
    call: (payload: unknown): Promise<unknown> => {
      client.calls++;
      if (hanging) return new Promise(() => undefined);
      client.inFlight++;
      client.maxInFlight = Math.max(client.maxInFlight, client.inFlight);
      return new Promise((resolve) =>
        setTimeout(() => {
          client.inFlight--;
          resolve(payload);
        }, 1),
      );
    },
    close: () => Promise.resolve(),
  };
  return client;
}

describe('bench sliced load (client side)', () => {
  it('runs the closed loop in turns: nothing in flight between them, only measured turns count', async () => {
    const client = fakeClient();
    const load = new SlicedLoad(client, CELL);
    const warm = await load.warm(40, 1_000);
    expect(warm.settled).toBe(true);
    expect(client.inFlight).toBe(0);
    const warmCalls = client.calls;
    expect(warmCalls).toBeGreaterThan(4);

    const first = await load.slice(20, 60, 1_000);
    expect(client.inFlight).toBe(0);
    // Idle between turns: no call starts until the next one.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const between = client.calls;
    const second = await load.slice(20, 60, 1_000);
    expect(client.calls).toBeGreaterThan(between);
    expect(client.maxInFlight).toBe(CELL.concurrency);

    for (const turn of [first, second]) {
      expect(turn.settled).toBe(true);
      expect(turn.completions).toBeGreaterThan(0);
      // Measured: the 60 ms after the ramp; the turn also holds the 20 ms ramp and the settling.
      // No wall-clock ceiling on the 60 ms: a timer on a loaded CI machine fired 47 ms late
      // (107 ms). A measured part that took the ramp in would fail the turnMs relation instead.
      expect(turn.activeMs).toBeGreaterThanOrEqual(59);
      expect(turn.turnMs).toBeGreaterThanOrEqual(turn.activeMs + 19);
    }
    const result = load.measurement();
    // The window is the measured parts of the two slices (not the warm-up, the ramps or the idle
    // gap) and counts the calls that finished in them only.
    expect(result.windowMs).toBe(Math.round(first.activeMs + second.activeMs));
    expect(result.completions).toBe(first.completions + second.completions);
    expect(result.completions).toBeLessThan(client.calls - warmCalls);
    expect(result.reqPerSec).toBe(Math.round((result.completions / (first.activeMs + second.activeMs)) * 1000));
    expect(result.errors).toBe(0);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.client.cpuPct).toBeGreaterThan(0);
    expect(result.client.rssMiB).toBeGreaterThan(10);
  });

  it('reports a turn whose calls do not settle within drainMs, after drainMs', async () => {
    const client = fakeClient();
    const load = new SlicedLoad(client, CELL);
    await load.slice(0, 20, 1_000);
    client.hang();
    const started = Date.now();
    const stuck = await load.slice(0, 20, 150);
    const tookMs = Date.now() - started;
    expect(stuck.settled).toBe(false);
    expect(tookMs).toBeGreaterThanOrEqual(165);
    expect(tookMs).toBeLessThan(1_000);
  });
});
