import { Controller, Get, Query } from '@nestjs/common';
import { Greeting, HelloService } from '@nestrpc/contracts';
import { InjectRpc } from '@nestrpc/client';

@Controller()
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
