export * from './rpc-service.decorator';
export * from './arg.decorator';
