export * from './rpc.error';
export * from './invalid-service-name.error';
export * from './invalid-pattern.error';
export * from './message-of';
