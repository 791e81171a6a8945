import { isValidKeySegment, validateServiceName } from '../instance/validation';
import { InvalidGovernanceRuleError } from './invalid-governance-rule.error';

/*
 * Key layout, beside the registrations (`/<namespace>/services/...`):
 *   /<namespace>/governance/<service>/instances/<target>   InstanceOverride (target: id or host:port)
 *   /<namespace>/governance/<service>/routes/<name>        TagRoute
 *   /<namespace>/governance/<service>/access               AccessRule
 * One key per rule, so two operators changing different rules never overwrite each other.
 */

export type GovernanceRuleKind = 'instance' | 'route' | 'access';

export interface ParsedGovernanceKey {
  readonly namespace: string;
  readonly service: string;
  readonly kind: GovernanceRuleKind;
  /** Target of an override, name of a route; '' for access. */
  readonly name: string;
}

/** `/<namespace>/governance/`. */
export function governancePrefix(namespace: string): string {
  return `/${namespace}/governance/`;
}

/** `/<namespace>/governance/<service>/`. */
export function serviceGovernancePrefix(namespace: string, service: string): string {
  return `${governancePrefix(namespace)}${validateServiceName(service)}/`;
}

export function overrideKey(namespace: string, service: string, target: string): string {
  return `${serviceGovernancePrefix(namespace, service)}instances/${segment(target, 'instance target')}`;
}

export function routeKey(namespace: string, service: string, name: string): string {
  return `${serviceGovernancePrefix(namespace, service)}routes/${segment(name, 'route name')}`;
}

export function accessKey(namespace: string, service: string): string {
  return `${serviceGovernancePrefix(namespace, service)}access`;
}

/** Splits a key built above; undefined for anything else. */
export function parseGovernanceKey(key: string): ParsedGovernanceKey | undefined {
  const parts = key.split('/');
  if (parts[0] !== '' || parts[2] !== 'governance' || !isValidKeySegment(parts[1])) return undefined;
  const [, namespace, , service, kind, name] = parts;
  try {
    validateServiceName(service);
  } catch {
    return undefined;
  }
  if (parts.length === 5 && kind === 'access') return { namespace, service, kind: 'access', name: '' };
  if (parts.length !== 6 || !isValidKeySegment(name)) return undefined;
  if (kind === 'instances') return { namespace, service, kind: 'instance', name };
  if (kind === 'routes') return { namespace, service, kind: 'route', name };
  return undefined;
}

function segment(value: string, what: string): string {
  if (!isValidKeySegment(value)) throw new InvalidGovernanceRuleError(what, `${JSON.stringify(value)} must match [A-Za-z0-9_.:-]{1,200}`);
  return value;
}
