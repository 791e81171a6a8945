import { InvalidServiceNameError } from '@nestrpc/common';
import { RpcClientModule } from './rpc-client.module';

abstract class HelloService {
  abstract greet(name: string): Promise<string>;
}

describe('RpcClientModule.forFeature', () => {
  it('refuses a dotted service name where it is declared, with a typed error', () => {
    let thrown: unknown;
    try {
      RpcClientModule.forFeature([{ contract: HelloService, name: 'a.b' }]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidServiceNameError);
    expect((thrown as InvalidServiceNameError).code).toBe('INVALID_SERVICE_NAME');
    expect(() => RpcClientModule.forFeature([{ contract: HelloService }])).not.toThrow();
  });
});
