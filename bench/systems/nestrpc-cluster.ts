import { RpcClusterClient } from '@nestrpc/client';
import { StaticRegistry } from '@nestrpc/discovery';
import { firstValueFrom, lastValueFrom, count } from 'rxjs';
import { nestrpcSystem } from './nestrpc';
import { BenchClient, BenchSystem, ClientOptions } from './types';

/**
 * Our full client path: registry → weighted round robin over 2 provider processes → failover
 * strategy → per-instance RpcClient. The registry is static (an etcd watch only feeds the same
 * in-memory list, off the call path), so the cell measures what discovery and balancing add per call.
 */
export const nestrpcClusterSystem: BenchSystem = {
  startServer: nestrpcSystem('json').startServer,
  createClient: async ({ host, ports }: ClientOptions): Promise<BenchClient> => {
    const registry = new StaticRegistry({
      services: ports.map((port, i) => ({ id: `bench-${i}`, service: 'BenchService', version: '1.0.0', host, port })),
    });
    const client = new RpcClusterClient({ service: 'BenchService', version: '^1', registry: { use: registry }, balancer: 'weighted-round-robin' });
    await client.connect();
    // Open both connections before measuring.
    await Promise.all(ports.map(() => firstValueFrom(client.send('echo', { warm: true }))));
    return {
      call: (payload) => firstValueFrom(client.send('echo', payload)),
      stream: (values) => lastValueFrom(client.send('stream', values).pipe(count())),
      close: async () => {
        await client.close();
        await registry.close();
      },
    };
  },
};
