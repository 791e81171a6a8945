import { join } from 'path';
import { NestFactory } from '@nestjs/core';
import { ClientGrpc, ClientProxyFactory, MicroserviceOptions, Transport } from '@nestjs/microservices';
import { Observable, firstValueFrom, lastValueFrom, count } from 'rxjs';
import { GrpcBenchModule } from '../nest/grpc-bench.controller';
import { freePort } from '../../test/support/free-port';
import { BenchPayload } from '../lib/payloads';
import { BenchSystem } from './types';

const PROTO_PATH = join(__dirname, '..', 'proto', 'echo.proto');
const GRPC_PACKAGE = 'bench';
/** Lifts grpc-js' 4 MiB default so no cell is refused for size. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

interface EchoService {
  echo(item: BenchPayload): Observable<BenchPayload>;
  stream(request: { count: number }): Observable<BenchPayload>;
}

/** Nest's gRPC transport (@grpc/grpc-js) serving bench/proto/echo.proto; client is Nest's ClientGrpcProxy. */
export const nestGrpcSystem: BenchSystem = {
  async startServer() {
    const port = await freePort();
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(GrpcBenchModule, {
      transport: Transport.GRPC,
      options: {
        package: GRPC_PACKAGE,
        protoPath: PROTO_PATH,
        url: `127.0.0.1:${port}`,
        maxReceiveMessageLength: MAX_MESSAGE_BYTES,
        maxSendMessageLength: MAX_MESSAGE_BYTES,
      },
      logger: false,
    });
    await app.listen();
    return { port, close: () => app.close() };
  },

  async createClient({ host, ports }) {
    const proxy = ClientProxyFactory.create({
      transport: Transport.GRPC,
      options: {
        package: GRPC_PACKAGE,
        protoPath: PROTO_PATH,
        url: `${host}:${ports[0]}`,
        maxReceiveMessageLength: MAX_MESSAGE_BYTES,
        maxSendMessageLength: MAX_MESSAGE_BYTES,
      },
    }) as unknown as ClientGrpc & { close(): unknown };
    const service = proxy.getService<EchoService>('EchoService');
    return {
      call: (payload) => firstValueFrom(service.echo(payload)),
      stream: (values) => lastValueFrom(service.stream({ count: values }).pipe(count())),
      close: async () => {
        await proxy.close();
      },
    };
  },
};
