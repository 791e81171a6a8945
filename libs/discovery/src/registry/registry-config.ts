import { EtcdRegistryOptions } from './etcd/etcd-registry.options';
import { DEFAULT_NAMESPACE } from './etcd/constants';
import { EtcdRegistry } from './etcd/etcd-registry';
import { ServiceRegistry } from './service-registry';
import { StaticRegistry, StaticRegistryOptions } from './static-registry';

/**
 * Where a starter finds (client) or publishes (server) instances: an etcd cluster, fixed lists,
 * or any ServiceRegistry you built (`use`: shared, never closed by the starter).
 */
export type RegistryConfig = { etcd: EtcdRegistryOptions } | { static: StaticRegistryOptions } | { use: ServiceRegistry };

/** A registry built from a RegistryConfig; `owned` says whether the caller must close it. */
export interface CreatedRegistry {
  readonly registry: ServiceRegistry;
  readonly owned: boolean;
}

/**
 * The etcd options of a config, with the namespace resolved by the one precedence rule: the
 * registry's own `etcd.namespace`, else the starter's module-level `namespace`, else
 * DEFAULT_NAMESPACE (the more specific setting wins). Undefined for non-etcd configs.
 */
export function etcdOptionsOf(config: RegistryConfig, namespace?: string): EtcdRegistryOptions | undefined {
  if (!('etcd' in config)) return undefined;
  return { ...config.etcd, namespace: config.etcd.namespace ?? namespace ?? DEFAULT_NAMESPACE };
}

/** Builds the registry a config names: the one place both starters do it. */
export function createRegistry(config: RegistryConfig, namespace?: string): CreatedRegistry {
  if ('use' in config) return { registry: config.use, owned: false };
  const etcd = etcdOptionsOf(config, namespace);
  if (etcd !== undefined) return { registry: new EtcdRegistry(etcd), owned: true };
  return { registry: new StaticRegistry((config as { static: StaticRegistryOptions }).static), owned: true };
}
