import { methodPattern, NON_REMOTE_PROPERTIES, RpcContract } from '@nestrpc/transport';
import { RpcCallOverrides } from '../cluster/call-options';
import { RpcClusterClient } from '../rpc-cluster.client';
import { RpcCall } from './rpc-call';

interface ProxyOrigin {
  contract: RpcContract;
  cluster: RpcClusterClient;
  overrides: RpcCallOverrides;
}

/** Where each proxy came from, so `withOptions` can derive one with more options. */
const origins = new WeakMap<object, ProxyOrigin>();

/**
 * A typed stand-in for a remote service: `instanceof` the contract, and every method name
 * (abstract methods leave no trace at runtime, so any name qualifies) becomes a remote call of
 * `<service>.<method>` with the arguments as sent, carrying `overrides` (see `withOptions`).
 * Lifecycle hooks, `then` and symbols stay local, so Nest and `await` never trigger remote
 * calls by accident.
 */
export function createContractProxy<T extends object>(contract: RpcContract<T>, cluster: RpcClusterClient, overrides: RpcCallOverrides = {}): T {
  const target = Object.create(contract.prototype as object) as T;
  const methods = new Map<string, (...args: unknown[]) => RpcCall<unknown>>();
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === 'symbol' || NON_REMOTE_PROPERTIES.has(property)) return Reflect.get(object, property, receiver);
      let method = methods.get(property);
      if (method === undefined) {
        const pattern = methodPattern(cluster.service, property);
        method = (...args: unknown[]) => new RpcCall(cluster.invoke(pattern, withoutTrailingUndefined(args), property, overrides));
        methods.set(property, method);
      }
      return method;
    },
    set() {
      return false;
    },
  });
  origins.set(proxy, { contract: contract as RpcContract, cluster, overrides });
  return proxy;
}

/**
 * The same typed proxy, with per-call options for the calls made through it; the contract's
 * method signatures stay unchanged:
 *
 * ```ts
 * await withOptions(this.hello, { timeoutMs: 200, headers: { tenant: 'a' }, hashKey: userId }).sayHello(name);
 * ```
 * Options add up when nested (`withOptions(withOptions(p, a), b)`: b beats a). Cheap enough
 * per call; keep the result to reuse it.
 */
export function withOptions<T extends object>(proxy: T, options: RpcCallOverrides): T {
  const origin = origins.get(proxy);
  if (origin === undefined) throw new TypeError('withOptions() takes a typed proxy made by RpcClientModule (an injected contract)');
  return createContractProxy(origin.contract as RpcContract<T>, origin.cluster, { ...origin.overrides, ...options });
}

/**
 * `sayHello(undefined)` sends `[]`, so the handler's parameter is `undefined` again whatever the
 * serializer (JSON would turn an `undefined` array item into `null`). Only trailing ones can be
 * dropped: an `undefined` before a defined argument keeps its place and JSON sends it as `null`.
 */
function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
}
