/**
 * A service contract: an (abstract) class shared by provider and consumer. Classes survive
 * compilation (interfaces do not), so the same class is the DI token on the consumer and names
 * the service on the provider.
 */
// eslint-disable-next-line @typescript-eslint/ban-types
export type RpcContract<T = unknown> = abstract new (...args: never[]) => T;

/** Separates service and method in the wire pattern: `HelloService.sayHello`. */
export const SERVICE_METHOD_SEPARATOR = '.';

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** The service name of a contract: the explicit one, or the class name. Validated. */
export function serviceNameOf(contract: RpcContract | Function, explicit?: string): string {
  const name = explicit ?? contract.name;
  if (!SERVICE_NAME.test(name)) {
    throw new TypeError(`Invalid service name "${name}": use 1-128 letters, digits, "_" or "-", starting with a letter`);
  }
  return name;
}

export function methodPattern(service: string, method: string): string {
  return `${service}${SERVICE_METHOD_SEPARATOR}${method}`;
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
