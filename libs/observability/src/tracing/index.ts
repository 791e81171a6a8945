export * from './rpc-tracing';
export * from './rpc-semantics';
export * from './trace-context';
