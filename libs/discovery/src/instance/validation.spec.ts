import { InvalidServiceNameError } from '../errors/invalid-service-name.error';
import { InvalidVersionRangeError } from '../errors/invalid-version-range.error';
import { InvalidVersionError } from '../errors/invalid-version.error';
import { parseVersion, parseVersionRange, validateServiceName, versionSatisfies } from './validation';

describe('validation', () => {
  it('accepts service names usable as one key segment', () => {
    expect(validateServiceName('HelloService')).toBe('HelloService');
    expect(validateServiceName('orders-v2_api')).toBe('orders-v2_api');
  });

  it.each(['', 'a/b', 'a.b', '1abc', 'has space', '../etc', 'x'.repeat(129)])('refuses service name %j with a clear error', (name) => {
    expect(() => validateServiceName(name)).toThrow(InvalidServiceNameError);
    expect(() => validateServiceName(name)).toThrow(/Invalid service name/);
  });

  it('canonicalises versions and refuses non-semver ones', () => {
    expect(parseVersion('1.2.3')).toBe('1.2.3');
    expect(parseVersion('v2.0.0-beta.1')).toBe('2.0.0-beta.1');
    for (const bad of ['1', '1.2', 'latest', '', 3]) expect(() => parseVersion(bad)).toThrow(InvalidVersionError);
  });

  it('accepts the range forms consumers use and refuses the rest at configuration time', () => {
    for (const range of ['^1', '1.2.x', '2.0.0', '*', '>=1.4 <3', ' ~1.2 ']) expect(() => parseVersionRange(range)).not.toThrow();
    expect(parseVersionRange(' ~1.2 ')).toBe('~1.2');
    for (const bad of ['', '   ', '^^1', 'one', 'x.y.z.w', 7]) expect(() => parseVersionRange(bad)).toThrow(InvalidVersionRangeError);
    expect(() => parseVersionRange('^^1')).toThrow('Invalid semver range "^^1"');
  });

  it('selects versions with plain semver semantics', () => {
    expect(versionSatisfies('1.4.0', '^1')).toBe(true);
    expect(versionSatisfies('2.0.0', '^1')).toBe(false);
    expect(versionSatisfies('1.2.9', '1.2.x')).toBe(true);
    expect(versionSatisfies('1.3.0', '1.2.x')).toBe(false);
    expect(versionSatisfies('2.0.0', '2.0.0')).toBe(true);
    expect(versionSatisfies('3.1.0', '*')).toBe(true);
    expect(versionSatisfies('2.0.0-rc.1', '*')).toBe(false);
  });
});
