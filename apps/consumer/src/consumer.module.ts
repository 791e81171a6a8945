import { DynamicModule, Module } from '@nestjs/common';
import { HelloService, InventoryService } from '@nestrpc/contracts';
import { RpcClientModule } from '@nestrpc/client';
import { DashboardModule } from '@nestrpc/dashboard';
import { RpcHealthModule, RpcObservabilityModule } from '@nestrpc/observability';
import { ConsumerConfig } from './consumer.config';
import { HelloController } from './hello.controller';
import { InstancesController } from './instances.controller';
import { InventoryController } from './inventory.controller';

@Module({})
export class ConsumerModule {
  static register(config: ConsumerConfig): DynamicModule {
    return {
      module: ConsumerModule,
      imports: [
        RpcClientModule.forRoot({ registry: { etcd: { hosts: config.etcdEndpoints } }, namespace: config.namespace, defaults: { timeoutMs: 5_000 } }),
        RpcClientModule.forFeature([
          { contract: HelloService, version: '^1', balancer: 'weighted-round-robin', idempotent: true },
          { contract: InventoryService, version: '^1', methods: { getStock: { idempotent: true }, reserve: { cluster: 'failfast' } } },
        ]),
        DashboardModule.forRoot({ etcd: { hosts: config.etcdEndpoints, namespace: config.namespace } }),
        // GET /metrics (Prometheus) and /health (readiness: each contract has instances, registry live or cached).
        RpcObservabilityModule.forRoot(),
        RpcHealthModule.forRoot(),
      ],
      controllers: [HelloController, InventoryController, InstancesController],
    };
  }
}
