import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcServerAddress } from '@nestrpc/server';
import { readProviderConfig } from './provider.config';
import { ProviderModule } from './provider.module';

/** Hybrid provider: a small HTTP health endpoint plus the RPC server; drains on SIGTERM/SIGINT. */
async function bootstrap(): Promise<void> {
  const config = readProviderConfig();
  const app = await NestFactory.create(ProviderModule.register(config), { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks();
  await app.listen(config.httpPort, config.httpHost);
  const rpc = app.get(RpcServerAddress).bound();
  const http = new URL(await app.getUrl());
  Logger.log(`READY name=${config.instanceName} http=${http.port} rpc=${rpc.port} versions=${config.helloVersions.join(',')} weight=${config.weight}`, 'Provider');
}

bootstrap().catch((err: Error) => {
  Logger.error(`Provider failed to start: ${err.stack ?? err.message}`, 'Provider');
  process.exit(1);
});
