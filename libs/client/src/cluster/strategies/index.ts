export * from './cluster-strategy';
export * from './failfast.strategy';
export * from './failover.strategy';
export * from './failsafe.strategy';
export * from './failback-queue';
export * from './failback.strategy';
export * from './forking.strategy';
export * from './broadcast.strategy';
