import { validateServiceName } from '@nestrpc/common';

/**
 * A service contract: an (abstract) class shared by provider and consumer. Classes survive
 * compilation (interfaces do not), so the same class is the DI token on the consumer and names
 * the service on the provider.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export type RpcContract<T = unknown> = abstract new (...args: never[]) => T;

/** The pattern and service-name rules are @nestrpc/common's (one rule for every package). */
export { methodPattern, SERVICE_METHOD_SEPARATOR } from '@nestrpc/common';

/** The service name of a contract: the explicit one, or the class name. Throws InvalidServiceNameError. */
export function serviceNameOf(contract: RpcContract | Function, explicit?: string): string {
  return validateServiceName(explicit ?? contract.name);
}

/**
 * Property names that must never be treated as remote methods on a contract proxy: promise
 * detection (`then`), Nest lifecycle hooks (Nest calls them on every provider), serialization
 * and inspection hooks.
 */
export const NON_REMOTE_PROPERTIES: ReadonlySet<string> = new Set([
  'then',
  'catch',
  'finally',
  'constructor',
  'toJSON',
  'toString',
  'valueOf',
  'inspect',
  'asymmetricMatch',
  'nodeType',
  'tagName',
  '$$typeof',
  '@@__IMMUTABLE_ITERABLE__@@',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);
