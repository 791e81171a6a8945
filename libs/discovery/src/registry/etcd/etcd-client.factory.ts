import { circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import type { Etcd3, IOptions } from 'etcd3';
import { EtcdRegistryOptions } from './etcd-registry.options';
import { GRPC_KEEPALIVE_TIME_MS, GRPC_KEEPALIVE_TIMEOUT_MS, HOST_BREAKER_FAILURES, HOST_BREAKER_HALF_OPEN_AFTER_MS, WATCH_RECONNECT_BACKOFF } from './constants';
import { watchReconnectBackoff } from './watch-backoff';

/**
 * etcd3 (and the gRPC stack under it) loads when the first etcd client is made,
 * not when @nestrpc/discovery is imported: an app serving without a registry, or with a static
 * one, never pays for it. The one place this package loads etcd3's runtime.
 */
let loaded: typeof import('etcd3') | undefined;
function etcd3(): typeof import('etcd3') {
  // Kept once loaded: an error checked late (a request the registry's close() cut short) then
  // needs no module lookup, which a host that has moved on (a test runner's torn-down module
  // registry) may refuse.
  return (loaded ??= require('etcd3') as typeof import('etcd3'));
}

/** etcd3's own test for a connection-level failure (refused, timed out). */
export function isRecoverableEtcdError(error: Error): boolean {
  return etcd3().isRecoverableError(error);
}

/**
 * An etcd3 client tuned for discovery (see docs/registry.md): every unary attempt has a deadline
 * (etcd3 has none: a frozen etcd hangs calls forever), gRPC keepalive detects frozen peers, watch
 * streams reconnect within a second, and a failed endpoint is retried after 500 ms rather than 5 s.
 */
export function createEtcdClient(options: EtcdRegistryOptions, callTimeoutMs: number): Etcd3 {
  const { Etcd3: Client, isRecoverableError } = etcd3();
  const config: IOptions = {
    hosts: options.hosts,
    auth: options.auth,
    credentials: options.credentials,
    grpcOptions: {
      'grpc.keepalive_time_ms': GRPC_KEEPALIVE_TIME_MS,
      'grpc.keepalive_timeout_ms': GRPC_KEEPALIVE_TIMEOUT_MS,
    },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: HOST_BREAKER_HALF_OPEN_AFTER_MS,
          breaker: new ConsecutiveBreaker(HOST_BREAKER_FAILURES),
        }),
      watchBackoff: watchReconnectBackoff(WATCH_RECONNECT_BACKOFF),
    },
  };
  return new Client(config);
}

/** The endpoints as a list, for error messages. */
export function endpointsOf(options: EtcdRegistryOptions): string[] {
  return Array.isArray(options.hosts) ? [...options.hosts] : options.hosts.split(',').map((h) => h.trim());
}
