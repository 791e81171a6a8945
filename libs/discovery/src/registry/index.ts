export * from './instance-list';
export * from './service-registry';
export * from './static-registry';
