import type { BalancerLike } from '@nestrpc/discovery';
import type { RpcClientOptions, RpcContract } from '@nestrpc/transport';
import { CallPolicy, ClientRegistryConfig, RpcClusterClientOptions } from './cluster-options';

/** Health-model settings a consumer may tune per contract or as defaults (see the README's health model). */
export type HealthOptions = Pick<RpcClusterClientOptions, 'ejection' | 'outlier' | 'maxEjectionPercent' | 'stallMs' | 'probeTimeoutMs' | 'retryBudget'>;

export interface RpcClientModuleOptions {
  /** Where providers are discovered. */
  registry: ClientRegistryConfig;
  /** Registry namespace (etcd key prefix) when `registry.etcd.namespace` is not set (that one wins). Default 'nestrpc'. */
  namespace?: string;
  /** Apply live operator rules from etcd (one shared watch per service). Default true with an etcd registry. */
  governance?: boolean;
  /** Defaults for every contract: policy, balancer and connection options. */
  defaults?: CallPolicy & HealthOptions & { balancer?: BalancerLike; transport?: Omit<RpcClientOptions, 'host' | 'port'> };
}

/** One contract (and version range) a module wants to call. */
export interface RpcFeature extends CallPolicy, HealthOptions {
  contract: RpcContract;
  /** Semver range. Default '*'. */
  version?: string;
  /** Service name when it is not the contract's class name. */
  name?: string;
  balancer?: BalancerLike;
  transport?: Omit<RpcClientOptions, 'host' | 'port'>;
  /** Per-method policy, e.g. `{ getStock: { idempotent: true }, reserve: { cluster: 'failfast' } }`. */
  methods?: Record<string, CallPolicy>;
}
