import { accessKey, overrideKey, parseGovernanceKey, routeKey } from './governance-keys';
import { InvalidGovernanceRuleError } from './invalid-governance-rule.error';

describe('governance key layout', () => {
  it('lives beside the registrations and parses back', () => {
    expect(overrideKey('ns', 'Hello', '10.0.0.1:4000')).toBe('/ns/governance/Hello/instances/10.0.0.1:4000');
    expect(routeKey('ns', 'Hello', 'canary')).toBe('/ns/governance/Hello/routes/canary');
    expect(accessKey('ns', 'Hello')).toBe('/ns/governance/Hello/access');
    expect(parseGovernanceKey('/ns/governance/Hello/instances/i-1')).toEqual({ namespace: 'ns', service: 'Hello', kind: 'instance', name: 'i-1' });
    expect(parseGovernanceKey('/ns/governance/Hello/routes/canary')).toEqual({ namespace: 'ns', service: 'Hello', kind: 'route', name: 'canary' });
    expect(parseGovernanceKey('/ns/governance/Hello/access')).toEqual({ namespace: 'ns', service: 'Hello', kind: 'access', name: '' });
  });

  it('rejects foreign keys and bad segments', () => {
    for (const key of ['/ns/services/Hello/1.0.0/a', '/ns/governance/Hello/other/x', '/ns/governance/1bad/access', '/ns/governance/Hello/routes/a/b']) {
      expect(parseGovernanceKey(key)).toBeUndefined();
    }
    expect(() => routeKey('ns', 'Hello', 'a/b')).toThrow(InvalidGovernanceRuleError);
  });
});
