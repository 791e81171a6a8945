import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RpcClientModuleOptions } from './interfaces/rpc-client-module.options';

export const {
  ConfigurableModuleClass: RpcClientConfigurableModule,
  MODULE_OPTIONS_TOKEN: RPC_CLIENT_MODULE_OPTIONS,
  OPTIONS_TYPE: RPC_CLIENT_MODULE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RPC_CLIENT_MODULE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RpcClientModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
