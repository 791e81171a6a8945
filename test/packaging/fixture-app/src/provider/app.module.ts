import { Module } from '@nestjs/common';
import { RpcServerModule } from '@nestrpc/server';
import { HelloServiceImpl } from './hello.service.impl.js';

@Module({
  imports: [
    RpcServerModule.forRoot({
      listen: { port: 0 },
      registry: { etcd: { hosts: process.env.ETCD_HOSTS ?? 'http://127.0.0.1:2379' } },
    }),
  ],
  providers: [HelloServiceImpl],
})
export class AppModule {}
