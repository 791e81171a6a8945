import { PluggableClass, PluggableRegistry, PluggableSpec } from '@nestrpc/common';
import { ClusterStrategy, ClusterStrategyOptions, StrategyRun } from './cluster-strategy';
import { broadcast } from './broadcast.strategy';
import { FailbackStrategy } from './failback.strategy';
import { failfast } from './failfast.strategy';
import { failover } from './failover.strategy';
import { failsafe } from './failsafe.strategy';
import { forking } from './forking.strategy';

/** The built-in strategy names. */
export type ClusterStrategyName = 'failover' | 'failfast' | 'failsafe' | 'failback' | 'forking' | 'broadcast';

/** How a policy names its strategy: a registered name, a class, an instance, or `{ type, options }`. */
export type ClusterStrategyLike = ClusterStrategyName | PluggableSpec<ClusterStrategy, ClusterStrategyOptions>;

/** A stateless strategy as a pluggable class: one `run` shared by every instance. */
function stateless(name: string, run: StrategyRun): PluggableClass<ClusterStrategy, ClusterStrategyOptions> {
  return class implements ClusterStrategy {
    readonly name = name;
    readonly invoke = run;
  };
}

export const FailoverStrategy = stateless('failover', failover);
export const FailfastStrategy = stateless('failfast', failfast);
export const FailsafeStrategy = stateless('failsafe', failsafe);
export const ForkingStrategy = stateless('forking', forking);
export const BroadcastStrategy = stateless('broadcast', broadcast);

function isClusterStrategy(value: unknown): value is ClusterStrategy {
  return typeof value === 'object' && value !== null && typeof (value as ClusterStrategy).invoke === 'function';
}

/**
 * The strategy names every cluster client of this process understands. Register your own with
 * `clusterStrategies.register('hedged', HedgedStrategy)`; a client builds one instance per name
 * (and closes it with itself).
 */
export const clusterStrategies = new PluggableRegistry<ClusterStrategy, ClusterStrategyOptions>('cluster strategy', isClusterStrategy)
  .register('failover', FailoverStrategy)
  .register('failfast', FailfastStrategy)
  .register('failsafe', FailsafeStrategy)
  .register('failback', FailbackStrategy)
  .register('forking', ForkingStrategy)
  .register('broadcast', BroadcastStrategy);

export { isClusterStrategy };
