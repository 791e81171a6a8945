import { InvalidServiceNameError } from '@nestrpc/common';
import { RPC_SERVICE_METADATA } from '../constants';
import { RpcService, RpcServiceMetadata } from './rpc-service.decorator';

abstract class HelloService {}

const metadataOf = (target: Function): RpcServiceMetadata | undefined => Reflect.getMetadata(RPC_SERVICE_METADATA, target) as RpcServiceMetadata | undefined;

describe('@RpcService', () => {
  it('records the contract, its name and the defaults (1.0.0, weight 1, no tags)', () => {
    @RpcService(HelloService)
    class Hello {}
    expect(metadataOf(Hello)).toEqual({ contract: HelloService, service: 'HelloService', version: '1.0.0', weight: 1, tags: [], limits: {} });
  });

  it('takes version, weight, tags and an explicit service name', () => {
    @RpcService(HelloService, { version: '2.1.0-rc.1', weight: 0, tags: ['canary'], name: 'Greeter' })
    class Hello {}
    expect(metadataOf(Hello)).toEqual({ contract: HelloService, service: 'Greeter', version: '2.1.0-rc.1', weight: 0, tags: ['canary'], limits: {} });
  });

  it.each(['1.0', '^1.0.0', 'v1.0.0', ' 1.0.0', 'latest'])('rejects version %j at decoration time: a service serves one exact version', (version) => {
    expect(() => RpcService(HelloService, { version })).toThrow(TypeError);
    expect(() => RpcService(HelloService, { version })).toThrow(`@RpcService(HelloService): version "${version}" is not an exact semver version`);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects weight %p', (weight) => {
    expect(() => RpcService(HelloService, { weight })).toThrow(/weight must be a number ≥ 0/);
  });

  it('rejects a service name that cannot be a wire pattern prefix (the "." is the separator)', () => {
    expect(() => RpcService(HelloService, { name: 'a.b' })).toThrow(InvalidServiceNameError);
  });

  it('leaves undecorated classes without metadata (the explorer skips them)', () => {
    class Plain {}
    expect(metadataOf(Plain)).toBeUndefined();
  });
});
