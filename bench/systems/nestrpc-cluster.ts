import { RpcClusterClient } from '@nestrpc/client';
import { BalancerLike, StaticRegistry } from '@nestrpc/discovery';
import { firstValueFrom, lastValueFrom, count } from 'rxjs';
import { nestrpcSystem } from './nestrpc';
import { BenchClient, BenchSystem, ClientOptions } from './types';

/**
 * Our full client path: registry → balancer over 2 provider processes → failover strategy →
 * per-instance RpcClient, with the cluster defaults (health model, 1 s heartbeats). The registry
 * is static (an etcd watch only feeds the same in-memory list, off the call path), so the cell
 * measures what discovery and balancing add per call. `nestrpc-cluster` runs the default
 * load-aware balancer (weighted least request); `nestrpc-cluster-wrr` the plain weighted round
 * robin, so the pair shows what load awareness costs.
 */
export const nestrpcClusterSystem: BenchSystem = clusterSystem(undefined);
export const nestrpcClusterWrrSystem: BenchSystem = clusterSystem('weighted-round-robin');

function clusterSystem(balancer: BalancerLike | undefined): BenchSystem {
  return {
    startServer: nestrpcSystem('json').startServer,
    createClient: async ({ host, ports }: ClientOptions): Promise<BenchClient> => {
      const registry = new StaticRegistry({
        services: ports.map((port, i) => ({ id: `bench-${i}`, service: 'BenchService', version: '1.0.0', host, port })),
      });
      const client = new RpcClusterClient({ service: 'BenchService', version: '^1', registry: { use: registry }, balancer });
      await client.connect();
      // Open both connections (and let the probes admit both instances) before measuring.
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && !ports.every((_, i) => client.unwrap<{ stateOf(id: string): string }>().stateOf(`bench-${i}`) === 'ready')) {
        await firstValueFrom(client.send('echo', { warm: true }));
      }
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
}
