import * as semver from 'semver';
import { InvalidVersionRangeError } from '../errors/invalid-version-range.error';
import { InvalidVersionError } from '../errors/invalid-version.error';

/** The service-name rule is @nestrpc/common's (no `.`: it is the wire separator), re-exported here. */
export { SERVICE_NAME_PATTERN, validateServiceName } from '@nestrpc/common';
/** Instance ids and namespaces: key segments, no `/`. */
export const KEY_SEGMENT_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;

/** True when `segment` can be used as one etcd key segment (namespace, instance id). */
export function isValidKeySegment(segment: unknown): segment is string {
  return typeof segment === 'string' && KEY_SEGMENT_PATTERN.test(segment) && segment !== '.' && segment !== '..';
}

/** Returns the canonical version (`v1.2.3` → `1.2.3`), or throws InvalidVersionError. */
export function parseVersion(version: unknown): string {
  if (typeof version !== 'string') throw new InvalidVersionError(version);
  const parsed = semver.valid(version.trim());
  if (parsed === null) throw new InvalidVersionError(version);
  return parsed;
}

/**
 * Checks a semver range (`^1`, `1.2.x`, `2.0.0`, `>=1.4 <3`, `*`) and returns it trimmed, or throws
 * InvalidVersionRangeError. Empty strings are refused: say `*` to mean "any version".
 */
export function parseVersionRange(range: unknown): string {
  if (typeof range !== 'string' || range.trim() === '') throw new InvalidVersionRangeError(range);
  const trimmed = range.trim();
  if (semver.validRange(trimmed) === null) throw new InvalidVersionRangeError(range);
  return trimmed;
}

/** Plain semver semantics: pre-releases match only ranges that name the same major.minor.patch. */
export function versionSatisfies(version: string, range: string): boolean {
  return semver.satisfies(version, range);
}
