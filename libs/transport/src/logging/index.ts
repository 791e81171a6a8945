export * from './constants';
export * from './log-limiter';
