import { CONTEXT_PARAM_TYPE, PAYLOAD_PARAM_TYPE } from './nest-metadata';
import { RpcParamsFactory } from './rpc-params.factory';

describe('RpcParamsFactory', () => {
  const factory = new RpcParamsFactory();
  const context = { marker: 'ctx' };

  it('@Payload() is the whole payload (the argument list)', () => {
    expect(factory.exchangeKeyForValue(PAYLOAD_PARAM_TYPE, undefined, [['a', 1], context])).toEqual(['a', 1]);
  });

  it('@Payload(key) picks a property of an object payload, and is the payload itself otherwise', () => {
    expect(factory.exchangeKeyForValue(PAYLOAD_PARAM_TYPE, 'name', [{ name: 'bob' }, context])).toBe('bob');
    expect(factory.exchangeKeyForValue(PAYLOAD_PARAM_TYPE, 'name', ['plain', context])).toBe('plain');
    expect(factory.exchangeKeyForValue(PAYLOAD_PARAM_TYPE, 'name', [null, context])).toBeNull();
    expect(factory.exchangeKeyForValue(PAYLOAD_PARAM_TYPE, 0, [['first'], context])).toEqual(['first']);
  });

  it('@Ctx() is the RpcContext (the second handler argument)', () => {
    expect(factory.exchangeKeyForValue(CONTEXT_PARAM_TYPE, undefined, [[], context])).toBe(context);
  });

  it('any other parameter type resolves to null (as Nest\'s own RPC params factory does)', () => {
    expect(factory.exchangeKeyForValue(99, undefined, [[], context])).toBeNull();
  });
});
