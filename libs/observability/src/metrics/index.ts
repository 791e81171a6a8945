export * from './rpc-metrics';
export * from './shared-metrics';
export * from './status-label';
