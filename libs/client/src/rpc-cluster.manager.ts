import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createRegistry, EtcdGovernanceStore, etcdOptionsOf, ServiceRegistry } from '@nestrpc/discovery';
import { serviceNameOf } from '@nestrpc/transport';
import { ConflictingFeatureError } from './errors/conflicting-feature.error';
import { featureSignature } from './feature-signature';
import { RpcFeature, RpcClientModuleOptions } from './interfaces/rpc-client-module.options';
import { createContractProxy } from './proxy/contract-proxy';
import { RPC_CLIENT_MODULE_OPTIONS } from './rpc-client.module-definition';
import { RpcClusterClient } from './rpc-cluster.client';

/** Builds one cluster client per contract and range (shared by every injection point), and closes them all on shutdown. */
@Injectable()
export class RpcClusterManager implements OnApplicationShutdown {
  private readonly registry: ServiceRegistry;
  private readonly ownsRegistry: boolean;
  private readonly clusters = new Map<string, RpcClusterClient>();
  /** Options each cluster was built with, and whether a forFeature entry declared that range itself. */
  private readonly declarations = new Map<string, { signature: string; explicit: boolean }>();
  private readonly governance: EtcdGovernanceStore | undefined;

  constructor(@Inject(RPC_CLIENT_MODULE_OPTIONS) private readonly options: RpcClientModuleOptions) {
    const { registry, owned } = createRegistry(options.registry, options.namespace);
    this.registry = registry;
    this.ownsRegistry = owned;
    const etcd = etcdOptionsOf(options.registry, options.namespace);
    this.governance = options.governance !== false && etcd !== undefined ? new EtcdGovernanceStore(etcd) : undefined;
  }

  /**
   * The cluster client of `feature` for `range`. `explicit`: a forFeature entry declares this
   * range (its options must agree with any other declaration of it); otherwise the range was
   * only requested with @InjectRpc and borrows the options of `feature`.
   */
  cluster(feature: RpcFeature, range = feature.version ?? '*', explicit = true): RpcClusterClient {
    const service = serviceNameOf(feature.contract, feature.name);
    const key = `${service}@${range}`;
    let cluster = this.clusters.get(key);
    const signature = featureSignature(feature);
    const earlier = this.declarations.get(key);
    if (explicit && earlier !== undefined && earlier.signature !== signature && (earlier.explicit || cluster !== undefined)) {
      throw new ConflictingFeatureError(service, range, earlier.signature, signature);
    }
    if (cluster === undefined) {
      this.declarations.set(key, { signature, explicit });
      const defaults = this.options.defaults ?? {};
      const { contract: _contract, name: _name, version: _version, ...policy } = feature;
      cluster = new RpcClusterClient({
        governance: this.governance ?? false,
        ...defaults,
        ...withoutUndefined(policy),
        transport: { ...defaults.transport, ...feature.transport },
        service,
        version: range,
        registry: { use: this.registry },
      });
      void cluster.connect();
      this.clusters.set(key, cluster);
    }
    return cluster;
  }

  /** Every cluster client built so far (read-only use: dashboards, health pages). */
  clients(): readonly RpcClusterClient[] {
    return [...this.clusters.values()];
  }

  proxy<T extends object>(feature: RpcFeature, range?: string, explicit = true): T {
    return createContractProxy(feature.contract as never, this.cluster(feature, range, explicit)) as T;
  }

  /** What discovery sees now, per contract and range (for health and debugging pages). */
  describe(): { service: string; range: string; instances: { id: string; version: string; address: string; weight: number; ejected: boolean }[] }[] {
    return [...this.clusters.values()].map((cluster) => ({
      service: cluster.service,
      range: cluster.range,
      instances: cluster.instances().map((i) => ({
        id: i.id,
        version: i.version,
        address: `${i.host}:${i.port}`,
        weight: i.weight,
        ejected: cluster.isEjected(i.id),
      })),
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    const clusters = [...this.clusters.values()];
    this.clusters.clear();
    await Promise.all(clusters.map((c) => c.close()));
    await this.governance?.close();
    if (this.ownsRegistry) await this.registry.close();
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
