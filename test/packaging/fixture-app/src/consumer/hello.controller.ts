import { Controller, Get, Query } from '@nestjs/common';
import { HelloService } from '../contracts/hello.service.js';

@Controller()
export class HelloController {
  constructor(private readonly hello: HelloService) {}

  @Get('hello')
  hi(@Query('name') name?: string): Promise<string> {
    return this.hello.sayHello(name);
  }
}
