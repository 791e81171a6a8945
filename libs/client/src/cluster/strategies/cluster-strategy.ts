import { Observable } from 'rxjs';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';

/** The built-in strategies' core: one logical call in, its attempts on instances out. */
export type StrategyRun = (invoker: ClusterInvoker, call: ClusterCall) => Observable<unknown>;

/**
 * Fault tolerance around the balancer: turns one call into attempts on instances. A custom
 * strategy implements this and is registered with `clusterStrategies.register(name, Class)`, or
 * passed as a class or an instance in `cluster`.
 */
export interface ClusterStrategy {
  /** Shown in traces and metrics, e.g. 'failover'. */
  readonly name: string;
  invoke(invoker: ClusterInvoker, call: ClusterCall): Observable<unknown>;
  /** Called when a client that built this strategy (from a name or class) closes: release queues and timers. */
  close?(): void;
}

/** What a client hands every strategy it builds. */
export interface ClusterStrategyOptions {
  /** The client's call timeout (ms): what a background retry may take. */
  timeoutMs?: number;
}
