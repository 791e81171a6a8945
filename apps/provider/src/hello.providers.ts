import { Inject } from '@nestjs/common';
import { Greeting, HelloService } from '@nestrpc/contracts';
import { RpcService } from '@nestrpc/server';
import { PROVIDER_CONFIG } from './tokens';
import { ProviderConfig } from './provider.config';

@RpcService(HelloService, { version: '1.0.0' })
export class HelloServiceV1 implements HelloService {
  constructor(@Inject(PROVIDER_CONFIG) private readonly config: ProviderConfig) {}

  async sayHello(name: string): Promise<string> {
    return `Hello, ${name}!`;
  }

  async greet(name: string): Promise<Greeting> {
    return { message: `Hello, ${name}!`, version: '1.0.0', instance: this.config.instanceName };
  }
}

@RpcService(HelloService, { version: '2.0.0' })
export class HelloServiceV2 implements HelloService {
  constructor(@Inject(PROVIDER_CONFIG) private readonly config: ProviderConfig) {}

  async sayHello(name: string): Promise<string> {
    return `Hi ${name}, welcome to v2`;
  }

  async greet(name: string): Promise<Greeting> {
    return { message: `Hi ${name}, welcome to v2`, version: '2.0.0', instance: this.config.instanceName };
  }
}
