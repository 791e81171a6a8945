export * from './constants';
export * from './atomic-write';
export * from './empty-push-guard';
export * from './etcd-registry';
export * from './etcd-registry.options';
export * from './snapshot-store';
