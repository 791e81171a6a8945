import { InvalidInstanceError } from '../errors/invalid-instance.error';
import { isValidKeySegment, parseVersion, validateServiceName } from './validation';

/*
 * Key layout: /<namespace>/services/<service>/<version>/<instanceId>  → JSON ServiceInstance.
 * Every segment is validated, so a key always splits back into exactly these parts.
 */

/** `/<namespace>/services/`: every service of a namespace. */
export function namespacePrefix(namespace: string): string {
  return `/${namespace}/services/`;
}

/** `/<namespace>/services/<service>/`: every version and instance of one service. */
export function servicePrefix(namespace: string, service: string): string {
  return `${namespacePrefix(namespace)}${validateServiceName(service)}/`;
}

/** `/<namespace>/services/<service>/<version>/<instanceId>`. */
export function instanceKey(namespace: string, service: string, version: string, id: string): string {
  if (!isValidKeySegment(id)) throw new InvalidInstanceError(String(id), 'id must match [A-Za-z0-9_.:-]{1,200}');
  return `${servicePrefix(namespace, service)}${parseVersion(version)}/${id}`;
}

export interface ParsedInstanceKey {
  readonly namespace: string;
  readonly service: string;
  readonly version: string;
  readonly id: string;
}

/** Splits a key built by {@link instanceKey}; undefined for anything else. */
export function parseInstanceKey(key: string): ParsedInstanceKey | undefined {
  const parts = key.split('/');
  if (parts.length !== 6 || parts[0] !== '' || parts[2] !== 'services') return undefined;
  const [, namespace, , service, version, id] = parts;
  try {
    return { namespace, service: validateServiceName(service), version: parseVersion(version), id: isValidKeySegment(id) ? id : fail() };
  } catch {
    return undefined;
  }
}

function fail(): never {
  throw new Error('invalid key segment');
}
