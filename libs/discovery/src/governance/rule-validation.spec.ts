import { DEFAULT_ROUTE_HEADER, MAX_RULE_BYTES } from './governance-rules';
import { InvalidGovernanceRuleError } from './invalid-governance-rule.error';
import { parseRuleValue, validateAccess, validateOverride, validateRoute } from './rule-validation';

describe('governance rule validation', () => {
  it('accepts weights (0 drains) and disable flags', () => {
    expect(validateOverride({ weight: 0 })).toEqual({ weight: 0 });
    expect(validateOverride({ weight: 5, disabled: false })).toEqual({ weight: 5, disabled: false });
  });

  it.each<[unknown, RegExp]>([
    [{ weight: -1 }, /weight must be a number in 0..1000000/],
    [{ weight: 'heavy' }, /weight must be/],
    [{ weight: Number.NaN }, /weight must be/],
    [{ disabled: 'yes' }, /disabled must be true or false/],
    [{}, /sets neither weight nor disabled/],
    [{ wieght: 3 }, /unknown field\(s\) wieght/],
    [[1], /must be a JSON object/],
  ])('refuses override %j with a typed error', (value, message) => {
    expect(() => validateOverride(value)).toThrow(InvalidGovernanceRuleError);
    expect(() => validateOverride(value)).toThrow(message);
  });

  it('fills route defaults and refuses bad routes', () => {
    expect(validateRoute({ tag: 'canary' })).toEqual({ header: DEFAULT_ROUTE_HEADER, value: 'canary', tag: 'canary', addresses: [], fallback: 'any', exclusive: true });
    expect(validateRoute({ tag: 'canary', addresses: ['10.0.0.9:7101', 'i-7'] }).addresses).toEqual(['10.0.0.9:7101', 'i-7']);
    expect(() => validateRoute({ tag: 'canary', addresses: ['a b'] })).toThrow(/addresses entry/);
    expect(() => validateRoute({})).toThrow(/tag must match/);
    expect(() => validateRoute({ tag: 'canary', fallback: 'maybe' })).toThrow(/fallback must be "any" or "fail"/);
    expect(() => validateRoute({ tag: 'canary', header: 'bad header' })).toThrow(/header must match/);
    expect(() => validateRoute({ tag: 'a b' })).toThrow(InvalidGovernanceRuleError);
  });

  it('checks access lists', () => {
    expect(validateAccess({ deny: ['10.0.0.1:4000', 'host-a', '[::1]:80'] })).toEqual({ allow: [], deny: ['10.0.0.1:4000', 'host-a', '[::1]:80'] });
    expect(() => validateAccess({ allow: ['not an address'] })).toThrow(/is not host or host:port/);
    expect(() => validateAccess({})).toThrow(/both empty/);
  });

  it('parses stored values and refuses garbage and oversized ones', () => {
    expect(parseRuleValue('instance', '{"weight":2}', 'k')).toEqual({ weight: 2 });
    expect(() => parseRuleValue('route', '{oops', 'k')).toThrow(/not JSON/);
    expect(() => parseRuleValue('access', JSON.stringify({ deny: ['x'.repeat(MAX_RULE_BYTES)] }), 'k')).toThrow(/larger than/);
  });
});
