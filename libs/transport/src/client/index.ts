export * from './constants';
export * from './backoff';
export * from './rpc-record';
export * from './call-options';
export * from './rpc-client.options';
export * from './pending-calls';
export * from './client-connection';
export * from './rpc.client';
