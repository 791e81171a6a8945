import { installRpcInstrumentation } from '@nestrpc/transport';
import { register as globalRegistry, Registry } from 'prom-client';
import { RpcMetrics, RpcMetricsOptions } from './rpc-metrics';

interface Shared {
  readonly metrics: RpcMetrics;
  readonly uninstall: () => void;
  users: number;
}

const byRegistry = new WeakMap<Registry, Shared>();

/**
 * The RpcMetrics of a registry, created and installed on first use and removed on the last
 * release. One per registry because prom-client refuses a metric name twice, and a process
 * hosting two apps (a provider and a consumer in one test) must not count each call twice.
 */
export function acquireRpcMetrics(options: RpcMetricsOptions = {}): { metrics: RpcMetrics; release: () => void } {
  const registry = options.registry ?? globalRegistry;
  let shared = byRegistry.get(registry);
  if (shared === undefined) {
    const metrics = new RpcMetrics({ ...options, registry });
    shared = { metrics, uninstall: installRpcInstrumentation(metrics), users: 0 };
    byRegistry.set(registry, shared);
  }
  shared.users++;
  const owned = shared;
  let released = false;
  return {
    metrics: owned.metrics,
    release: () => {
      if (released) return;
      released = true;
      if (--owned.users > 0) return;
      owned.uninstall();
      owned.metrics.unregister();
      byRegistry.delete(registry);
    },
  };
}
