import { RpcClusterClient } from '@nestrpc/client';
import { StaticRegistry } from '@nestrpc/discovery';
import { RpcMetrics } from '@nestrpc/observability';
import { installRpcInstrumentation } from '@nestrpc/transport';
import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { GreeterProvider, startGreeter } from '../client/fixtures/greeter';
import { waitFor } from '../support/wait-for';

/** The cluster client's metrics on real providers: attempts and retries (forks), instances, ejections and reconnects. */
describe('cluster client metrics', () => {
  let registry: Registry;
  let uninstall: () => void;
  const providers: GreeterProvider[] = [];
  let discovery: StaticRegistry;
  let client: RpcClusterClient;

  beforeAll(async () => {
    registry = new Registry();
    uninstall = installRpcInstrumentation(new RpcMetrics({ registry }));
    discovery = new StaticRegistry();
    for (const name of ['a', 'b']) {
      const p = await startGreeter(name);
      providers.push(p);
      await discovery.register({ id: name, service: 'GreeterService', version: '1.0.0', host: '127.0.0.1', port: p.port });
    }
    client = new RpcClusterClient({ service: 'GreeterService', version: '^1', registry: { use: discovery }, cluster: 'forking', forks: 2 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all(providers.map((p) => p.close()));
    await discovery?.close();
    uninstall?.();
  });

  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const found = (metric?.values ?? []).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value ?? 0;
  };
  const service = { service: 'GreeterService' };

  it('counts a forked call as one logical call, two attempts and one retry', async () => {
    await waitFor(() => client.healthyInstances().length === 2, 'both instances to take traffic');
    expect(await value('nestrpc_client_instances', { ...service, version: '1.0.0' })).toBe(2);
    const before = { attempts: await value('nestrpc_client_attempts_total', service), retries: await value('nestrpc_client_retries_total', service) };
    await firstValueFrom(client.invoke('GreeterService.whoami', [], 'whoami'));
    expect(await value('nestrpc_client_calls_total', { ...service, method: 'whoami', status: 'OK' })).toBe(1);
    expect((await value('nestrpc_client_attempts_total', service)) - before.attempts).toBe(2);
    expect((await value('nestrpc_client_retries_total', service)) - before.retries).toBe(1);
    expect(await value('nestrpc_client_requests_total', { ...service, method: 'whoami', status: 'OK' })).toBe(2);
    expect(await value('nestrpc_client_requests_in_flight', service)).toBe(0);
  });

  it('counts the ejection and the reconnects when an instance goes away', async () => {
    await providers[1].close();
    // An instance is ejected when a call to it fails for a lost connection: keep calling (the other fork answers).
    await waitFor(
      async () => {
        await firstValueFrom(client.invoke('GreeterService.whoami', [], 'whoami')).catch(() => undefined);
        return (await value('nestrpc_client_ejections_total', service)) >= 1;
      },
      'the lost instance to be ejected',
      10_000,
    );
    await waitFor(async () => (await value('nestrpc_client_reconnects_total')) >= 1, 'a reconnect to be scheduled', 10_000);
  });
});
