import { DynamicModule, Module, Provider } from '@nestjs/common';
import { RpcContract, serviceNameOf } from '@nestrpc/transport';
import { getRpcToken, requestedRanges } from './decorators/inject-rpc.decorator';
import { ConflictingFeatureError } from './errors/conflicting-feature.error';
import { featureSignature } from './feature-signature';
import { RpcFeature } from './interfaces/rpc-client-module.options';
import { RpcClientConfigurableModule } from './rpc-client.module-definition';
import { RpcClusterManager } from './rpc-cluster.manager';

/**
 * `forRoot/forRootAsync` (global) configures discovery and defaults once; `forFeature` provides
 * typed proxies, injectable by the contract class itself and by `@InjectRpc(Contract, range)`.
 *
 * ```ts
 * imports: [RpcClientModule.forRoot({ registry: { etcd: { hosts } } }),
 *           RpcClientModule.forFeature([{ contract: HelloService, version: '^1', methods: { greet: { idempotent: true } } },
 *                                       { contract: HelloService, version: '2.x', retries: 0 }])]
 * ```
 * Each declared range keeps its own options; a range only requested with `@InjectRpc` uses the
 * contract's first declaration. The same contract and range declared twice with different
 * options is a start-up error (ConflictingFeatureError).
 */
/** Holds the proxies of one `forFeature` call; RpcClusterManager comes from the global forRoot module. */
@Module({})
export class RpcClientFeatureModule {}

@Module({ providers: [RpcClusterManager], exports: [RpcClusterManager] })
export class RpcClientModule extends RpcClientConfigurableModule {
  static forFeature(features: RpcFeature[]): DynamicModule {
    const declared = new Map<symbol, RpcFeature>();
    const first = new Map<RpcContract, RpcFeature>();
    for (const feature of features) {
      // The service name is checked where it is declared (InvalidServiceNameError), not at first injection.
      serviceNameOf(feature.contract, feature.name);
      const range = feature.version ?? '*';
      const token = getRpcToken(feature.contract, range);
      const earlier = declared.get(token);
      if (earlier !== undefined && featureSignature(earlier) !== featureSignature(feature)) {
        throw new ConflictingFeatureError(serviceNameOf(feature.contract, feature.name), range, featureSignature(earlier), featureSignature(feature));
      }
      declared.set(token, feature);
      if (!first.has(feature.contract)) first.set(feature.contract, feature);
    }
    const providers: Provider[] = [];
    for (const [token, feature] of declared) {
      const range = feature.version ?? '*';
      providers.push({ provide: token, useFactory: (manager: RpcClusterManager) => manager.proxy(feature, range), inject: [RpcClusterManager] });
    }
    for (const [contract, feature] of first) {
      for (const range of requestedRanges(contract)) {
        const token = getRpcToken(contract, range);
        if (declared.has(token)) continue;
        declared.set(token, feature);
        providers.push({ provide: token, useFactory: (manager: RpcClusterManager) => manager.proxy(feature, range, false), inject: [RpcClusterManager] });
      }
      providers.push({ provide: contract, useExisting: getRpcToken(contract, feature.version ?? '*') });
    }
    return { module: RpcClientFeatureModule, providers, exports: providers.map((p) => (p as { provide: unknown }).provide as symbol) };
  }
}
