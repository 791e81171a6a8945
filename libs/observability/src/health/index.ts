export * from './rpc-server.health';
export * from './rpc-client.health';
export * from './rpc-health.module';
