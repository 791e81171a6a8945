import { methodPattern, NON_REMOTE_PROPERTIES, RpcContract } from '@nestrpc/transport';
import { RpcClusterClient } from '../rpc-cluster.client';
import { RpcCall } from './rpc-call';

/**
 * A typed stand-in for a remote service: `instanceof` the contract, and every method name
 * (abstract methods leave no trace at runtime, so any name qualifies) becomes a remote call of
 * `<service>.<method>` with the arguments as sent. Lifecycle hooks, `then` and symbols stay
 * local, so Nest and `await` never trigger remote calls by accident.
 */
export function createContractProxy<T extends object>(contract: RpcContract<T>, cluster: RpcClusterClient): T {
  const target = Object.create(contract.prototype as object) as T;
  const methods = new Map<string, (...args: unknown[]) => RpcCall<unknown>>();
  return new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === 'symbol' || NON_REMOTE_PROPERTIES.has(property)) return Reflect.get(object, property, receiver);
      let method = methods.get(property);
      if (method === undefined) {
        const pattern = methodPattern(cluster.service, property);
        method = (...args: unknown[]) => new RpcCall(cluster.invoke(pattern, withoutTrailingUndefined(args), property));
        methods.set(property, method);
      }
      return method;
    },
    set() {
      return false;
    },
  });
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
