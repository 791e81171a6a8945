export * from './constants';
export * from './backoff';
export * from './rpc-record';
export * from './rpc-client.options';
export * from './pending-calls';
export * from './rpc.client';
