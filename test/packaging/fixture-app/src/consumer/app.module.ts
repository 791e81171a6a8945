import { Module } from '@nestjs/common';
import { RpcClientModule } from '@nestrpc/client';
import { HelloService } from '../contracts/hello.service.js';
import { HelloController } from './hello.controller.js';

@Module({
  imports: [
    RpcClientModule.forRoot({ registry: { etcd: { hosts: process.env.ETCD_HOSTS ?? 'http://127.0.0.1:2379' } } }),
    RpcClientModule.forFeature([{ contract: HelloService, version: '^1' }]),
  ],
  controllers: [HelloController],
})
export class AppModule {}
