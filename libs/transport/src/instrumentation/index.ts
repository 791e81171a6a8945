export * from './rpc-instrumentation';
export * from './instrumentation-hub';
