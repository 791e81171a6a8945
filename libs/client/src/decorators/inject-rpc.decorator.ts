import { Inject } from '@nestjs/common';
import { RpcContract } from '@nestrpc/transport';

const tokens = new Map<string, symbol>();
const requested = new Map<RpcContract, Set<string>>();

/** The DI token of the proxy for `contract` in version range `range`. */
export function getRpcToken(contract: RpcContract, range: string): symbol {
  const key = `${contract.name}@${range}`;
  let token = tokens.get(key);
  if (token === undefined) {
    token = Symbol(`RpcProxy(${key})`);
    tokens.set(key, token);
  }
  return token;
}

/** Ranges of `contract` that `@InjectRpc` asked for so far (forFeature provides them too). */
export function requestedRanges(contract: RpcContract): string[] {
  return [...(requested.get(contract) ?? [])];
}

/**
 * Injects the proxy of another version range of a contract:
 * `@InjectRpc(HelloService, '2.x') private readonly hello2: HelloService`.
 * The contract must be listed in some `RpcClientModule.forFeature`; its options apply.
 */
export function InjectRpc(contract: RpcContract, range: string): ParameterDecorator & PropertyDecorator {
  let ranges = requested.get(contract);
  if (ranges === undefined) {
    ranges = new Set();
    requested.set(contract, ranges);
  }
  ranges.add(range);
  return Inject(getRpcToken(contract, range));
}
