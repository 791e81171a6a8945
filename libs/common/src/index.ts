export * from './errors';
export * from './backoff';
export * from './deadline';
export * from './naming';
