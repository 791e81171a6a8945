import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, IBackoff } from 'cockatiel';
import { Etcd3, IOptions, isRecoverableError } from 'etcd3';
import {
  EtcdRegistryOptions,
  GRPC_KEEPALIVE_TIME_MS,
  GRPC_KEEPALIVE_TIMEOUT_MS,
  HOST_BREAKER_FAILURES,
  HOST_BREAKER_HALF_OPEN_AFTER_MS,
  WATCH_RECONNECT_INITIAL_DELAY_MS,
  WATCH_RECONNECT_MAX_DELAY_MS,
} from './etcd-registry.options';

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
      // etcd3 declares IBackoff but calls `.next()` on it to start each series: it wants the factory.
      watchBackoff: new ExponentialBackoff({ initialDelay: WATCH_RECONNECT_INITIAL_DELAY_MS, maxDelay: WATCH_RECONNECT_MAX_DELAY_MS }) as unknown as IBackoff<unknown>,
    },
  };
  return new Etcd3(config);
}

/** The endpoints as a list, for error messages. */
export function endpointsOf(options: EtcdRegistryOptions): string[] {
  return Array.isArray(options.hosts) ? [...options.hosts] : options.hosts.split(',').map((h) => h.trim());
}
