import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RpcServerModuleOptions } from './interfaces/rpc-server-module.options';

export const {
  ConfigurableModuleClass: RpcServerConfigurableModule,
  MODULE_OPTIONS_TOKEN: RPC_SERVER_MODULE_OPTIONS,
  OPTIONS_TYPE: RPC_SERVER_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RPC_SERVER_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RpcServerModuleOptions>().setClassMethodName('forRoot').build();
