export * from './balancer';
export * from './errors';
export * from './instance';
export * from './registry';
export * from './governance';
