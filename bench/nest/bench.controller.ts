import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Observable, range, map } from 'rxjs';
import { BenchPayload, streamItem } from '../lib/payloads';

/** The handlers every Nest message-pattern system serves (nestrpc, Nest TCP). */
@Controller()
export class BenchController {
  @MessagePattern('echo')
  echo(@Payload() payload: BenchPayload): BenchPayload {
    return payload;
  }

  @MessagePattern('stream')
  stream(@Payload() count: number): Observable<BenchPayload> {
    return range(0, count).pipe(map(streamItem));
  }
}

@Module({ controllers: [BenchController] })
export class BenchModule {}
