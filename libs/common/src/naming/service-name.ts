import { InvalidPatternError } from '../errors/invalid-pattern.error';
import { InvalidServiceNameError } from '../errors/invalid-service-name.error';

/** Separates service and method in the wire pattern: `HelloService.sayHello`. */
export const SERVICE_METHOD_SEPARATOR = '.';
/** Longest service name accepted (an etcd key segment and a metric label). */
export const MAX_SERVICE_NAME_LENGTH = 128;
/**
 * Letters, digits, `_` and `-`, starting with a letter, at most 128 characters. No `.`: it is the
 * wire separator (`a.b` + `c` and `a` + `b.c` would both be `a.b.c`). No `/`: the name is an etcd
 * key segment.
 */
export const SERVICE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/** The one service-name rule of nestrpc: returns the name unchanged, or throws InvalidServiceNameError. */
export function validateServiceName(name: unknown): string {
  if (typeof name !== 'string') throw new InvalidServiceNameError(name, 'must be a string');
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new InvalidServiceNameError(
      name,
      `use 1-${MAX_SERVICE_NAME_LENGTH} letters, digits, "_" or "-", starting with a letter (no "${SERVICE_METHOD_SEPARATOR}": it separates service and method on the wire; no "/")`,
    );
  }
  return name;
}

/** `HelloService` + `sayHello` → `HelloService.sayHello`. The service is assumed valid. */
export function methodPattern(service: string, method: string): string {
  return `${service}${SERVICE_METHOD_SEPARATOR}${method}`;
}

/**
 * `HelloService.sayHello` → `{ service, method }`. A service name holds no separator, so the first
 * one splits; the service part is validated. Throws InvalidPatternError or InvalidServiceNameError.
 */
export function parseMethodPattern(pattern: string): { service: string; method: string } {
  const at = pattern.indexOf(SERVICE_METHOD_SEPARATOR);
  if (at <= 0 || at === pattern.length - 1) throw new InvalidPatternError(pattern, `expected <Service>${SERVICE_METHOD_SEPARATOR}<method>`);
  return { service: validateServiceName(pattern.slice(0, at)), method: pattern.slice(at + 1) };
}
