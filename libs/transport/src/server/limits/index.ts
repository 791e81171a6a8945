export * from './call-limits.options';
export * from './caller-key';
export * from './token-bucket';
export * from './bounded-buckets';
export * from './call-limiter';
export * from './caller-cache';
