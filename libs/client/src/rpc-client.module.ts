import { DynamicModule, Module, Provider } from '@nestjs/common';
import { getRpcToken, requestedRanges } from './decorators/inject-rpc.decorator';
import { RpcFeature } from './interfaces/rpc-client-module.options';
import { RpcClientConfigurableModule } from './rpc-client.module-definition';
import { RpcClusterManager } from './rpc-cluster.manager';

/**
 * `forRoot/forRootAsync` (global) configures discovery and defaults once; `forFeature` provides
 * typed proxies, injectable by the contract class itself and by `@InjectRpc(Contract, range)`.
 *
 * ```ts
 * imports: [RpcClientModule.forRoot({ registry: { etcd: { hosts } } }),
 *           RpcClientModule.forFeature([{ contract: HelloService, version: '^1', balancer: 'weighted-round-robin' }])]
 * ```
 */
/** Holds the proxies of one `forFeature` call; RpcClusterManager comes from the global forRoot module. */
@Module({})
export class RpcClientFeatureModule {}

@Module({ providers: [RpcClusterManager], exports: [RpcClusterManager] })
export class RpcClientModule extends RpcClientConfigurableModule {
  static forFeature(features: RpcFeature[]): DynamicModule {
    const providers: Provider[] = [];
    const seen = new Set<unknown>();
    for (const feature of features) {
      const range = feature.version ?? '*';
      const ranges = new Set([range, ...requestedRanges(feature.contract)]);
      for (const r of ranges) {
        const token = getRpcToken(feature.contract, r);
        if (seen.has(token)) continue;
        seen.add(token);
        providers.push({ provide: token, useFactory: (manager: RpcClusterManager) => manager.proxy(feature, r), inject: [RpcClusterManager] });
      }
      if (!seen.has(feature.contract)) {
        seen.add(feature.contract);
        providers.push({ provide: feature.contract, useExisting: getRpcToken(feature.contract, range) });
      }
    }
    return { module: RpcClientFeatureModule, providers, exports: providers.map((p) => (p as { provide: unknown }).provide as symbol) };
  }
}
