import { Controller, Module } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable, range, map } from 'rxjs';
import { BenchPayload, streamItem } from '../lib/payloads';

/** `bench.EchoService` (bench/proto/echo.proto) served by Nest's gRPC transport. */
@Controller()
export class GrpcBenchController {
  @GrpcMethod('EchoService', 'Echo')
  echo(item: BenchPayload): BenchPayload {
    return item;
  }

  @GrpcMethod('EchoService', 'Stream')
  stream(request: { count: number }): Observable<BenchPayload> {
    return range(0, request.count).pipe(map(streamItem));
  }
}

@Module({ controllers: [GrpcBenchController] })
export class GrpcBenchModule {}
