export * from './backoff.constants';
export * from './backoff';
