import { RegistryConfig } from '@nestrpc/discovery';
import { RpcServerOptions } from '@nestrpc/transport';

/** Where the server publishes itself: discovery's RegistryConfig (etcd, static lists, or any ServiceRegistry you built). */
export type ServerRegistryConfig = RegistryConfig;

export interface RpcServerModuleOptions {
  /** Where to listen. Port 0 (the default) picks a free port; the real one is registered. Host default '127.0.0.1' (loopback): set '0.0.0.0' plus `advertise.host` to serve other machines. */
  listen?: { host?: string; port?: number };
  /** Address consumers should dial, when it differs from the bound one (containers, NAT). Default: the bound host, or (bound to all interfaces) this machine's first external IPv4, logged as a warning. The log always says what is advertised. */
  advertise?: { host?: string; port?: number };
  /** Omit to serve without registering (direct connections only). */
  registry?: ServerRegistryConfig;
  /** Registry namespace (key prefix) when `registry.etcd.namespace` is not set (that one wins). Default 'nestrpc'. */
  namespace?: string;
  /** Transport limits and serializers, passed to RpcServer. */
  transport?: Omit<RpcServerOptions, 'host' | 'port'>;
  /** Also serve the app's plain @MessagePattern/@EventPattern handlers. Default true. */
  exposeMessagePatterns?: boolean;
  /** Wait after deregistering, so consumers' watchers drop this instance before it drains. Default 2000 ms. */
  deregisterGraceMs?: number;
  /**
   * Weight overrides from configuration, by `Service` or `Service@version` (the more specific
   * wins), so one build can run with different weights: `{ HelloService: 3 }`.
   */
  weights?: Record<string, number>;
  /** Extra metadata published with every instance. */
  metadata?: Record<string, string>;
}
