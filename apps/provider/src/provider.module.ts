import { DynamicModule, Module, Provider } from '@nestjs/common';
import { RpcHealthModule, RpcObservabilityModule } from '@nestrpc/observability';
import { RpcServerModule } from '@nestrpc/server';
import { HealthController } from './health.controller';
import { HelloServiceV1, HelloServiceV2 } from './hello.providers';
import { InventoryServiceImpl } from './inventory.provider';
import { ProviderConfig } from './provider.config';
import { PROVIDER_CONFIG } from './tokens';

@Module({})
export class ProviderModule {
  /** Which HelloService versions this process serves is configuration, so the module is built from it. */
  static register(config: ProviderConfig): DynamicModule {
    const hello: Provider[] = config.helloVersions.map((v) => (v === '1' ? HelloServiceV1 : HelloServiceV2));
    return {
      module: ProviderModule,
      imports: [
        RpcServerModule.forRoot({
          listen: { host: config.rpcHost, port: config.rpcPort },
          advertise: { host: config.advertiseHost },
          registry: { etcd: { hosts: config.etcdEndpoints } },
          namespace: config.namespace,
          weights: { HelloService: config.weight },
          deregisterGraceMs: config.deregisterGraceMs,
          metadata: { instance: config.instanceName },
        }),
        // GET /metrics (Prometheus) and /health (readiness: listening, registered, lease alive, not draining).
        RpcObservabilityModule.forRoot(),
        RpcHealthModule.forRoot(),
      ],
      controllers: [HealthController],
      providers: [{ provide: PROVIDER_CONFIG, useValue: config }, ...hello, InventoryServiceImpl],
    };
  }
}
