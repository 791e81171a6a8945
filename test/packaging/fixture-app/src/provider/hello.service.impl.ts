import { RpcService } from '@nestrpc/server';
import { HelloService } from '../contracts/hello.service.js';

@RpcService(HelloService, { version: '1.0.0' })
export class HelloServiceImpl implements HelloService {
  async sayHello(name?: string): Promise<string> {
    return name === undefined ? 'Hello, stranger!' : `Hello, ${name}!`;
  }
}
