import { RpcMetrics } from '@nestrpc/observability';
import { installRpcInstrumentation, ServerOverloadedError } from '@nestrpc/transport';
import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { MathHarness, startMathServer } from '../transport/support';

/** Overload-limit refusals are counted in nestrpc_server_rejected_total with their own reasons. */
describe('overload limit metrics', () => {
  let registry: Registry;
  let uninstall: () => void;
  let harness: MathHarness;

  beforeAll(async () => {
    registry = new Registry();
    uninstall = installRpcInstrumentation(new RpcMetrics({ registry }));
    harness = await startMathServer({ limits: { methods: { slow: { maxConcurrent: 1 }, sum: { rate: { perSecond: 0.001, burst: 2 } } } } });
  });

  afterAll(async () => {
    await harness.close();
    uninstall();
  });

  const rejected = async (reason: string): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'nestrpc_server_rejected_total');
    return (metric?.values ?? []).find((v) => v.labels.reason === reason)?.value ?? 0;
  };

  it('labels concurrency refusals overload and rate-limit refusals rate_limit', async () => {
    const client = harness.client({ reconnect: false });
    const slow = firstValueFrom(client.send('slow', 300));
    await expect(firstValueFrom(client.send('slow', 1))).rejects.toMatchObject({ reason: 'concurrency' });
    await slow;
    for (let i = 0; i < 2; i++) await firstValueFrom(client.send('sum', [1]));
    for (let i = 0; i < 3; i++) await expect(firstValueFrom(client.send('sum', [1]))).rejects.toBeInstanceOf(ServerOverloadedError);
    expect(await rejected('overload')).toBe(1);
    expect(await rejected('rate_limit')).toBe(3);
  });
});
