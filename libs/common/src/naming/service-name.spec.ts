import { InvalidPatternError } from '../errors/invalid-pattern.error';
import { InvalidServiceNameError } from '../errors/invalid-service-name.error';
import { RpcError } from '../errors/rpc.error';
import { methodPattern, parseMethodPattern, validateServiceName } from './service-name';

describe('the service-name rule', () => {
  it('accepts letters, digits, "_" and "-" starting with a letter', () => {
    expect(validateServiceName('HelloService')).toBe('HelloService');
    expect(validateServiceName('orders-v2_api')).toBe('orders-v2_api');
    expect(validateServiceName('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it.each([['a.b'], ['a/b'], [''], ['1abc'], ['a'.repeat(129)], [42], [undefined]])('refuses %p with a typed, non-retryable error', (name) => {
    let thrown: unknown;
    try {
      validateServiceName(name);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidServiceNameError);
    expect(thrown).toBeInstanceOf(RpcError);
    expect((thrown as RpcError).code).toBe('INVALID_SERVICE_NAME');
    expect((thrown as RpcError).retryable).toBe(false);
  });

  it('builds and splits patterns unambiguously', () => {
    expect(methodPattern('HelloService', 'sayHello')).toBe('HelloService.sayHello');
    expect(parseMethodPattern('HelloService.sayHello')).toEqual({ service: 'HelloService', method: 'sayHello' });
    expect(() => parseMethodPattern('HelloService')).toThrow(InvalidPatternError);
    expect(() => parseMethodPattern('.x')).toThrow(InvalidPatternError);
    expect(() => parseMethodPattern('Hello$.x')).toThrow(InvalidServiceNameError);
  });
});
