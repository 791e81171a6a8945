/**
 * The public API of @nestrpc/client. Explicit named exports only: the module, the cluster client,
 * typed proxies and their call options, the errors a caller catches, and what a custom cluster
 * strategy needs. The instance pool, outlier detector, retry budget and failback queue stay inside
 * the package. api/client.api.md lists this surface and CI checks it.
 */

// Nest module and injection.
export type { HealthOptions, RpcClientModuleOptions, RpcFeature } from './interfaces/rpc-client-module.options';
export {
  RPC_CLIENT_MODULE_ASYNC_OPTIONS_TYPE,
  RPC_CLIENT_MODULE_OPTIONS,
  RPC_CLIENT_MODULE_OPTIONS_TYPE,
} from './rpc-client.module-definition';
export { RpcClientFeatureModule, RpcClientModule } from './rpc-client.module';
export { InjectRpc, getRpcToken } from './decorators/inject-rpc.decorator';
export { RpcClusterManager } from './rpc-cluster.manager';

// The cluster client and its options.
export type {
  CallPolicy,
  ClientRegistryConfig,
  ClusterStrategyName,
  RpcClusterClientOptions,
} from './interfaces/cluster-options';
export type { OutlierOptions } from './cluster/outlier-detector';
export { DEFAULT_CLUSTER_STRATEGY, DEFAULT_RETRIES } from './constants';
export { RpcClusterClient } from './rpc-cluster.client';

// Typed proxies and per-call options.
export type { RpcCallOverrides } from './cluster/call-options';
export { RpcCall } from './proxy/rpc-call';
export { createContractProxy, withOptions } from './proxy/contract-proxy';

// Errors a caller catches (besides the transport's and discovery's).
export { InstanceUnresponsiveError } from './cluster/call-errors';
export { ConflictingFeatureError } from './errors/conflicting-feature.error';

// Cluster strategies: the built-ins, the registry of names, and what a custom one is written against.
export type { ClusterCall, ClusterInvoker } from './cluster/cluster-invoker';
export type { ClusterStrategy, ClusterStrategyOptions } from './cluster/strategies/cluster-strategy';
export type { ClusterStrategyLike } from './cluster/strategies/strategy-registry';
export {
  BroadcastStrategy,
  FailfastStrategy,
  FailoverStrategy,
  FailsafeStrategy,
  ForkingStrategy,
  clusterStrategies,
} from './cluster/strategies/strategy-registry';
export { FailbackStrategy } from './cluster/strategies/failback.strategy';

// Resilience: per-service bulkhead and circuit breaker, fallback functions.
export type { BulkheadOptions, CircuitBreakerOptions, RpcFallback } from './resilience/resilience.options';
export type { CircuitStateName } from './resilience/service-guard';
export { BulkheadRejectedError } from './errors/bulkhead-rejected.error';
export { CircuitOpenError } from './errors/circuit-open.error';

// Every error a caller catches from the transport, discovery and common packages (the same classes).
export * from './errors/rpc-errors';
