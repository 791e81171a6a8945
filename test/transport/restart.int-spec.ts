import { firstValueFrom } from 'rxjs';
import { RpcClient } from '@nestrpc/transport';
import { freePort } from '../support/free-port';
import { MathHarness, startMathServer } from './support';

interface SendOutcome {
  sentAt: number;
  ok: boolean;
  error?: unknown;
}

/**
 * Sends `sum` every `everyMs` until stopped, recording when each send was made and how it ended:
 * what an application keeps doing while its server restarts.
 */
function keepSending(client: RpcClient, everyMs: number): { outcomes: SendOutcome[]; stop: () => Promise<void> } {
  const outcomes: SendOutcome[] = [];
  const inFlight: Promise<void>[] = [];
  const timer = setInterval(() => {
    const outcome: SendOutcome = { sentAt: Date.now(), ok: false };
    outcomes.push(outcome);
    inFlight.push(
      firstValueFrom(client.send<number>('sum', [1, 2])).then(
        (value) => void (outcome.ok = value === 3),
        (error: unknown) => void (outcome.error = error),
      ),
    );
  }, everyMs);
  return {
    outcomes,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** Stops the server for `outageMs` while the client keeps sending; returns what happened to sends made once it listened again. */
async function restartDuringTraffic(outageMs: number): Promise<{ afterBack: SendOutcome[]; firstOkMs: number }> {
  const port = await freePort();
  let server: MathHarness = await startMathServer({ port });
  // The default client: background reconnect with backoff up to 10 s, as a user gets it.
  const client = new RpcClient({ port, timeoutMs: 2_000 });
  try {
    await expect(firstValueFrom(client.send('sum', [1, 1]))).resolves.toBe(2);
    await server.app.close();
    const traffic = keepSending(client, 25);
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    server = await startMathServer({ port });
    const backAt = Date.now();
    const first = await firstValueFrom(client.send<number>('sum', [2, 2]));
    const firstOkMs = Date.now() - backAt;
    expect(first).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await traffic.stop();
    return { afterBack: traffic.outcomes.filter((o) => o.sentAt >= backAt), firstOkMs };
  } finally {
    await client.close();
    await server.close();
  }
}

describe('a client through a server restart on the same address', () => {
  it.each([300, 4_000])('fails no send made after a %i ms outage ends, and the first one succeeds at once', async (outageMs) => {
    const { afterBack, firstOkMs } = await restartDuringTraffic(outageMs);
    expect(afterBack.length).toBeGreaterThan(5);
    expect(afterBack.filter((o) => !o.ok).map((o) => String(o.error))).toEqual([]);
    // One TCP connect + PING round trip on loopback; generous for a loaded machine, far below the backoff delays.
    expect(firstOkMs).toBeLessThan(500);
  });

  it('fails no send made after a 15 s outage ends (backoff at its 10 s ceiling)', async () => {
    const { afterBack, firstOkMs } = await restartDuringTraffic(15_000);
    expect(afterBack.filter((o) => !o.ok).map((o) => String(o.error))).toEqual([]);
    expect(firstOkMs).toBeLessThan(500);
  }, 40_000);
});
