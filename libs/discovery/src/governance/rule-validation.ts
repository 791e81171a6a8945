import { AccessRule, DEFAULT_ROUTE_HEADER, InstanceOverride, MAX_RULE_BYTES, MAX_RULE_LIST_LENGTH, TagRoute } from './governance-rules';
import { GovernanceRuleKind } from './governance-keys';
import { InvalidGovernanceRuleError } from './invalid-governance-rule.error';
import { isValidKeySegment } from '../instance/validation';

/** Header names: letters, digits, `-`, `_`, `.`; at most 64 characters. */
const HEADER_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Tags and route values: printable, no spaces, at most 128 characters. */
const TAG_PATTERN = /^[A-Za-z0-9_.:/@+-]{1,128}$/;
/** `host` or `host:port` (IPv6 in brackets). */
const ADDRESS_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]{1,253})(:\d{1,5})?$/;

type Bad = (reason: string) => never;

function fields(value: unknown, rule: string, allowed: readonly string[]): { obj: Record<string, unknown>; bad: Bad } {
  const bad: Bad = (reason) => {
    throw new InvalidGovernanceRuleError(rule, reason);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad('must be a JSON object');
  const obj = value as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) bad(`unknown field(s) ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
  return { obj, bad };
}

/** Checks an instance override; returns a frozen copy or throws InvalidGovernanceRuleError. */
export function validateOverride(value: unknown, rule = 'instance override'): InstanceOverride {
  const { obj, bad } = fields(value, rule, ['weight', 'disabled']);
  const { weight, disabled } = obj;
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1_000_000)) {
    bad(`weight must be a number in 0..1000000, got ${JSON.stringify(weight)}`);
  }
  if (disabled !== undefined && typeof disabled !== 'boolean') bad(`disabled must be true or false, got ${JSON.stringify(disabled)}`);
  if (weight === undefined && disabled === undefined) bad('sets neither weight nor disabled');
  return Object.freeze({ ...(weight !== undefined && { weight: weight as number }), ...(disabled !== undefined && { disabled: disabled as boolean }) });
}

/** Checks a tag route (header defaults to {@link DEFAULT_ROUTE_HEADER}, value to the tag, fallback to 'any'). */
export function validateRoute(value: unknown, rule = 'tag route'): TagRoute {
  const { obj, bad } = fields(value, rule, ['header', 'value', 'tag', 'addresses', 'fallback', 'exclusive']);
  const tag = obj.tag;
  if (typeof tag !== 'string' || !TAG_PATTERN.test(tag)) bad(`tag must match ${TAG_PATTERN}, got ${JSON.stringify(tag)}`);
  const header = obj.header ?? DEFAULT_ROUTE_HEADER;
  if (typeof header !== 'string' || !HEADER_PATTERN.test(header)) bad(`header must match ${HEADER_PATTERN}, got ${JSON.stringify(header)}`);
  const match = obj.value ?? tag;
  if (typeof match !== 'string' || !TAG_PATTERN.test(match)) bad(`value must match ${TAG_PATTERN}, got ${JSON.stringify(match)}`);
  const fallback = obj.fallback ?? 'any';
  if (fallback !== 'any' && fallback !== 'fail') bad(`fallback must be "any" or "fail", got ${JSON.stringify(fallback)}`);
  const exclusive = obj.exclusive ?? true;
  if (typeof exclusive !== 'boolean') bad(`exclusive must be true or false, got ${JSON.stringify(exclusive)}`);
  const addresses = addressList(obj.addresses, 'addresses', bad, true);
  return Object.freeze({ header: header as string, value: match as string, tag: tag as string, addresses, fallback: fallback as TagRoute['fallback'], exclusive: exclusive as boolean });
}

/** Checks allow/deny address lists. */
export function validateAccess(value: unknown, rule = 'access rule'): AccessRule {
  const { obj, bad } = fields(value, rule, ['allow', 'deny']);
  const access = { allow: addressList(obj.allow, 'allow', bad, false), deny: addressList(obj.deny, 'deny', bad, false) };
  if (access.allow.length === 0 && access.deny.length === 0) bad('allow and deny are both empty (delete the rule instead)');
  return Object.freeze(access);
}

/** A list of `host` / `host:port` entries (and instance ids when `ids`). */
function addressList(value: unknown, name: string, bad: Bad, ids: boolean): readonly string[] {
  const v = value ?? [];
  if (!Array.isArray(v)) bad(`${name} must be an array of addresses`);
  const items = v as unknown[];
  if (items.length > MAX_RULE_LIST_LENGTH) bad(`${name} has ${items.length} entries (at most ${MAX_RULE_LIST_LENGTH})`);
  for (const item of items) {
    const ok = typeof item === 'string' && (ADDRESS_PATTERN.test(item) || (ids && isValidKeySegment(item)));
    if (!ok) bad(`${name} entry ${JSON.stringify(item)} is not ${ids ? 'an instance id, ' : ''}host or host:port`);
  }
  return Object.freeze([...(items as string[])]);
}

export type ValidatedRule = InstanceOverride | TagRoute | AccessRule;

/** Parses and validates one stored value of `kind` (JSON text). */
export function parseRuleValue(kind: GovernanceRuleKind, text: string, rule: string): ValidatedRule {
  if (Buffer.byteLength(text) > MAX_RULE_BYTES) throw new InvalidGovernanceRuleError(rule, `value is larger than ${MAX_RULE_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidGovernanceRuleError(rule, `not JSON (${(error as Error).message})`);
  }
  if (kind === 'instance') return validateOverride(value, rule);
  if (kind === 'route') return validateRoute(value, rule);
  return validateAccess(value, rule);
}

/** True when `address` (`host:port`) is matched by `pattern` (`host` or `host:port`). */
export function addressMatches(pattern: string, host: string, port: number): boolean {
  return pattern === host || pattern === `${host}:${port}`;
}
