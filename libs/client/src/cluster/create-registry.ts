import { EtcdRegistry, ServiceRegistry, StaticRegistry } from '@nestrpc/discovery';
import { ClientRegistryConfig } from '../interfaces/cluster-options';

/** Builds the registry a config names. `owned` says whether the caller must close it. */
export function createRegistry(config: ClientRegistryConfig, namespace?: string): { registry: ServiceRegistry; owned: boolean } {
  if ('use' in config) return { registry: config.use, owned: false };
  if ('etcd' in config) return { registry: new EtcdRegistry({ namespace, ...config.etcd }), owned: true };
  return { registry: new StaticRegistry(config.static), owned: true };
}
