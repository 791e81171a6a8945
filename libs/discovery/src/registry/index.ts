export * from './backoff';
export * from './etcd';
export * from './instance-list';
export * from './service-registry';
export * from './static-registry';
export * from './registry-config';
export * from './registry-health';
