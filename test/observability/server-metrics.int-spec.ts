import { RpcMetrics } from '@nestrpc/observability';
import { installRpcInstrumentation, RpcClient, ServerDrainingError, ServerOverloadedError } from '@nestrpc/transport';
import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { waitFor } from '../support/wait-for';
import { MathHarness, startMathServer } from '../transport/support';

/** Refusals, in-flight and connection metrics on a real server, with an app-owned registry. */
describe('server metrics', () => {
  let registry: Registry;
  let uninstall: () => void;
  let harness: MathHarness;

  beforeEach(async () => {
    registry = new Registry();
    uninstall = installRpcInstrumentation(new RpcMetrics({ registry }));
    harness = await startMathServer({ maxInFlightPerConnection: 1, maxFrameBytes: 4_096, drainTimeoutMs: 2_000 });
  });

  afterEach(async () => {
    await harness.close();
    uninstall();
  });

  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const found = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value ?? 0;
  };

  it('counts overload, too-large and draining refusals by reason, in-flight calls and open connections', async () => {
    const client = harness.client({ reconnect: false });
    const slow = firstValueFrom(client.send('slow', 300));
    await waitFor(async () => (await value('nestrpc_server_calls_in_flight', { service: '' })) === 1, 'the slow call to be in flight');
    expect(await value('nestrpc_server_connections')).toBe(1);
    await expect(firstValueFrom(client.send('sum', [1, 2]))).rejects.toBeInstanceOf(ServerOverloadedError);
    expect(await value('nestrpc_server_rejected_total', { reason: 'overload' })).toBe(1);
    await slow;

    // A frame over maxFrameBytes: the server closes that connection; it is counted as too_large.
    const big = harness.client({ reconnect: false, maxFrameBytes: 1 << 20 });
    await expect(firstValueFrom(big.send('echo', 'x'.repeat(10_000)))).rejects.toBeDefined();
    await waitFor(async () => (await value('nestrpc_server_rejected_total', { reason: 'too_large' })) === 1, 'the oversize frame to be counted');

    const drained = harness.server.drain();
    await expect(firstValueFrom(client.send('sum', [1]))).rejects.toBeInstanceOf(ServerDrainingError);
    await drained;
    expect(await value('nestrpc_server_rejected_total', { reason: 'draining' })).toBe(1);
    expect(await value('nestrpc_server_calls_total', { method: 'slow', status: 'OK' })).toBe(1);
    expect(await value('nestrpc_server_calls_in_flight', { service: '' })).toBe(0);
  });

  it('costs nothing once uninstalled: calls leave the registry untouched', async () => {
    uninstall();
    const client: RpcClient = harness.client();
    await firstValueFrom(client.send('sum', [1, 2]));
    expect(await value('nestrpc_server_calls_total', { method: 'sum' })).toBe(0);
  });
});
