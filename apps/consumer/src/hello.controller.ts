import { Controller, Get, Query, UseFilters } from '@nestjs/common';
import { Greeting, HelloService } from '@nestrpc/contracts';
import { InjectRpc } from '@nestrpc/client';
import { RpcErrorToHttpFilter } from './rpc-error.filter';

/** RPC failures answer HTTP errors (no provider yet → 503), not a 500 with an ERROR stack in the log. */
@Controller()
@UseFilters(RpcErrorToHttpFilter)
export class HelloController {
  constructor(
    private readonly hello: HelloService,
    @InjectRpc(HelloService, '2.x') private readonly hello2: HelloService,
  ) {}

  /** v1, balanced over the v1 providers by weight. */
  @Get('hello')
  greet(@Query('name') name = 'world'): Promise<Greeting> {
    return this.hello.greet(name);
  }

  /** v2 only. */
  @Get('hello2')
  greet2(@Query('name') name = 'world'): Promise<Greeting> {
    return this.hello2.greet(name);
  }
}
