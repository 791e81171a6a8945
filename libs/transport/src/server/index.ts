export * from './constants';
export * from './rpc-server.options';
export * from './rpc.context';
export * from './error-payload';
export * from './server-connection';
export * from './rpc.server';
export * from './limits';
