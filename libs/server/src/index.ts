/**
 * The public API of @nestrpc/server. Explicit named exports only: the module and its options, the
 * decorators, and the host whose bound address and health an app reads. The handler explorer and
 * the versioned-handler table stay inside the package. api/server.api.md lists this surface and CI
 * checks it.
 */
export type { RpcServerModuleOptions, ServerRegistryConfig } from './interfaces/rpc-server-module.options';
export {
  RPC_SERVER_MODULE_ASYNC_OPTIONS_TYPE,
  RPC_SERVER_MODULE_OPTIONS,
  RPC_SERVER_MODULE_OPTIONS_TYPE,
} from './rpc-server.module-definition';
export { RpcServerModule } from './rpc-server.module';
export type { RpcServiceOptions } from './decorators/rpc-service.decorator';
export { RpcService } from './decorators/rpc-service.decorator';
export { Arg } from './decorators/arg.decorator';
export {
  DEFAULT_DEREGISTER_GRACE_MS,
  DEFAULT_LISTEN_HOST,
  DEFAULT_SERVICE_VERSION,
  DEFAULT_SERVICE_WEIGHT,
} from './constants';
export type { AdvertisedHost, AdvertisedHostSource } from './advertised-host';
export type { RpcServerHealth } from './rpc-server.lifecycle';
export { RpcServerHost, RpcServerLifecycle } from './rpc-server.lifecycle';
export { RpcServerConflictError } from './errors/rpc-server-conflict.error';
export type { RpcSocketAddress } from './rpc-server.address';
export { RpcServerAddress } from './rpc-server.address';
// Every error a provider app catches from the transport, discovery and common packages (the same classes).
export * from './errors/rpc-errors';
