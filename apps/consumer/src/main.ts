import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readConsumerConfig } from './consumer.config';
import { ConsumerModule } from './consumer.module';

async function bootstrap(): Promise<void> {
  const config = readConsumerConfig();
  const app = await NestFactory.create(ConsumerModule.register(config), { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks();
  await app.listen(config.httpPort, config.httpHost);
  Logger.log(`READY http=${new URL(await app.getUrl()).port}`, 'Consumer');
}

bootstrap().catch((err: Error) => {
  Logger.error(`Consumer failed to start: ${err.stack ?? err.message}`, 'Consumer');
  process.exit(1);
});
