import { circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { Etcd3, IOptions, isRecoverableError } from 'etcd3';
import { EtcdRegistryOptions } from './etcd-registry.options';
import { GRPC_KEEPALIVE_TIME_MS, GRPC_KEEPALIVE_TIMEOUT_MS, HOST_BREAKER_FAILURES, HOST_BREAKER_HALF_OPEN_AFTER_MS, WATCH_RECONNECT_BACKOFF } from './constants';
import { watchReconnectBackoff } from './watch-backoff';

/**
 * An etcd3 client tuned for discovery (see docs/registry.md): every unary attempt has a deadline
 * (etcd3 has none: a frozen etcd hangs calls forever), gRPC keepalive detects frozen peers, watch
 * streams reconnect within a second, and a failed endpoint is retried after 500 ms rather than 5 s.
 */
export function createEtcdClient(options: EtcdRegistryOptions, callTimeoutMs: number): Etcd3 {
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
  return new Etcd3(config);
}

/** The endpoints as a list, for error messages. */
export function endpointsOf(options: EtcdRegistryOptions): string[] {
  return Array.isArray(options.hosts) ? [...options.hosts] : options.hosts.split(',').map((h) => h.trim());
}
