/**
 * The public API of @nestrpc/observability. Explicit named exports only: the modules, their
 * options, the metrics and tracing instrumentations, the health indicators. Label bookkeeping and
 * span helpers stay inside the package. api/observability.api.md lists this surface and CI checks it.
 */
export type { RpcMetricsModuleOptions, RpcObservabilityOptions } from './observability.module';
export { RpcObservabilityModule } from './observability.module';
export type { RpcMetricsOptions } from './metrics/rpc-metrics';
export { DEFAULT_DURATION_BUCKETS, RpcMetrics } from './metrics/rpc-metrics';
export type { RpcTracingOptions } from './tracing/rpc-tracing';
export { createRpcTracing } from './tracing/rpc-tracing';
export type { RpcHealthModuleOptions } from './health/rpc-health.module';
export { RpcHealthModule } from './health/rpc-health.module';
export { RpcServerHealthIndicator } from './health/rpc-server.health';
export type { RpcClientHealthOptions } from './health/rpc-client.health';
export { RpcClientHealthIndicator } from './health/rpc-client.health';
