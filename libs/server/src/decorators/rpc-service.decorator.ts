import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { MethodLimits, RpcContract, serviceNameOf } from '@nestrpc/transport';
import { valid } from 'semver';
import { DEFAULT_SERVICE_VERSION, DEFAULT_SERVICE_WEIGHT, RPC_SERVICE_METADATA } from '../constants';

export interface RpcServiceOptions {
  /** Exact semver version this implementation serves. Default '1.0.0'. */
  version?: string;
  /** Relative share of traffic for weighted balancers; 0 = registered but takes no new calls. Default 1. */
  weight?: number;
  /** Service name; default the contract's class name. */
  name?: string;
  /** Free-form tags published in the registry. */
  tags?: string[];
  /**
   * Overload limits by method name (`{ search: { maxConcurrent: 10, perCaller: { perSecond: 5 } } }`),
   * applied to the method's pattern `<service>.<method>` for every version. The server starter's
   * `transport.limits.methods` (configuration) wins over these.
   */
  limits?: Record<string, MethodLimits>;
}

export interface RpcServiceMetadata {
  contract: RpcContract;
  service: string;
  version: string;
  weight: number;
  tags: string[];
  limits: Record<string, MethodLimits>;
}

/**
 * Exposes the class's public methods as `<service>.<method>` for one version of `contract`.
 * The class is an ordinary provider: list it in a module's `providers`.
 *
 * ```ts
 * @RpcService(HelloService, { version: '1.0.0', weight: 3 })
 * export class HelloServiceV1 implements HelloService { async sayHello(n: string) { return `hi ${n}`; } }
 * ```
 */
export function RpcService(contract: RpcContract, options: RpcServiceOptions = {}): ClassDecorator {
  const version = options.version ?? DEFAULT_SERVICE_VERSION;
  if (valid(version) !== version) throw new TypeError(`@RpcService(${contract.name}): version "${version}" is not an exact semver version`);
  const weight = options.weight ?? DEFAULT_SERVICE_WEIGHT;
  if (!Number.isFinite(weight) || weight < 0) throw new TypeError(`@RpcService(${contract.name}): weight must be a number ≥ 0, got ${weight}`);
  const metadata: RpcServiceMetadata = {
    contract,
    service: serviceNameOf(contract, options.name),
    version,
    weight,
    tags: options.tags ?? [],
    limits: options.limits ?? {},
  };
  return applyDecorators(Injectable(), SetMetadata(RPC_SERVICE_METADATA, metadata));
}
