import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RpcServer } from '@nestrpc/transport';
import { DEFAULT_LISTEN_HOST } from './constants';
import { RpcHandlerExplorer } from './explorer/rpc-handler.explorer';
import { RpcServerModuleOptions } from './interfaces/rpc-server-module.options';
import { RpcServerAddress } from './rpc-server.address';
import { RpcServerHost } from './rpc-server.host';
import { RPC_SERVER_MODULE_OPTIONS, RpcServerConfigurableModule } from './rpc-server.module-definition';

/**
 * Serves the app's `@RpcService` providers (and `@MessagePattern` handlers) over nestrpc and
 * registers them for discovery. Works in HTTP (hybrid) apps and standalone application contexts.
 *
 * ```ts
 * @Module({ imports: [RpcServerModule.forRoot({ listen: { port: 0 }, registry: { etcd: { hosts } } })],
 *           providers: [HelloServiceV1] })
 * export class AppModule {}
 * ```
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    RpcHandlerExplorer,
    RpcServerHost,
    RpcServerAddress,
    {
      provide: RpcServer,
      inject: [RPC_SERVER_MODULE_OPTIONS],
      useFactory: (options: RpcServerModuleOptions) =>
        new RpcServer({ ...options.transport, host: options.listen?.host ?? DEFAULT_LISTEN_HOST, port: options.listen?.port ?? 0 }),
    },
  ],
  exports: [RpcServer, RpcServerHost, RpcServerAddress],
})
export class RpcServerModule extends RpcServerConfigurableModule {}
