import type { BalancerLike, GovernanceOption, RegistryConfig } from '@nestrpc/discovery';
import type { RpcClientOptions } from '@nestrpc/transport';
import type { OutlierOptions } from '../cluster/outlier-detector';

export type ClusterStrategyName = 'failover' | 'failfast' | 'failsafe' | 'failback' | 'forking' | 'broadcast';

/** Where consumers discover providers: discovery's RegistryConfig (`use` takes a registry you built: shared, not closed by us). */
export type ClientRegistryConfig = RegistryConfig;

/** Per-call behaviour; set per contract, overridden per method. */
export interface CallPolicy {
  /** Fault tolerance around the balancer. Default 'failover'. */
  cluster?: ClusterStrategyName;
  /** failover: extra attempts on other instances. Default 2. */
  retries?: number;
  /** Timeout (ms) of the whole call; failover retries share it. Default: `transport.timeoutMs`, else 30 000. */
  timeoutMs?: number;
  /** Safe to run twice: failover may retry it after ambiguous failures (timeouts, dropped connections). */
  idempotent?: boolean;
  /** failsafe/failback: the value returned instead of the error. Default undefined. */
  fallback?: unknown;
  /** forking: parallel calls. Default 2. */
  forks?: number;
}

export interface RpcClusterClientOptions extends CallPolicy {
  /** Service name (usually the contract class name). */
  service: string;
  /** Semver range of acceptable versions. Default '*'. */
  version?: string;
  /** Registry to discover instances from; a cluster client built from options owns (and closes) it. */
  registry: ClientRegistryConfig;
  /** Load balancer: 'weighted-least-request' (default, load-aware), 'weighted-round-robin', 'random', 'weighted-random', 'round-robin', 'least-active', 'p2c', 'consistent-hash', a class, an instance or `{ type, options }`. */
  balancer?: BalancerLike;
  /**
   * Options of the per-instance connections (serializer, heartbeats, limits, TLS...). Cluster
   * defaults: heartbeatIntervalMs 1 000 × missedHeartbeats 2 (a frozen peer is dead within 3 s),
   * connectTimeoutMs 1 000.
   */
  transport?: Omit<RpcClientOptions, 'host' | 'port'>;
  /** Ejection times (same as `outlier.baseMs/maxMs`). */
  ejection?: { baseMs?: number; maxMs?: number };
  /** Outlier detection: consecutive / high-rate timeouts and transport errors eject an instance. */
  outlier?: OutlierOptions;
  /** At most this share of instances ejected as outliers at once (dead connections always are). Default 50. */
  maxEjectionPercent?: number;
  /** An instance with calls in flight and no answer for this long gets no new calls. Default 1 000; 0 disables. */
  stallMs?: number;
  /** A probe (connect + one round trip) must answer within this time before an instance takes traffic. Default 1 000. */
  probeTimeoutMs?: number;
  /** Bound on retries: ratio of calls plus a floor per second. */
  retryBudget?: { ratio?: number; minPerSecond?: number };
  /** Method → policy overrides (for typed proxies: method names; for send(): patterns). */
  methods?: Record<string, CallPolicy>;
  /** Live operator rules (weights, disable, tag routes, allow/deny, direct address; see docs/operations.md). Default: on, from the same etcd, with an etcd registry; a GovernanceSource to share one; false to ignore rules. */
  governance?: GovernanceOption;
}
