import { instance } from '../../../../test/support/instances';
import { ServiceInstance } from '../instance/service-instance';
import { applyGovernance } from './apply-governance';
import { DIRECT_ADDRESS_HEADER, EMPTY_GOVERNANCE_RULES, GovernanceRules } from './governance-rules';
import { validateRoute } from './rule-validation';

const inst = (id: string, port: number, extra: { weight?: number; tags?: string[] } = {}): ServiceInstance => instance(id, { host: '10.0.0.1', port, ...extra });
const a = inst('a', 4001);
const b = inst('b', 4002, { weight: 3 });
const canary = inst('c', 4003, { tags: ['canary'] });
const all = [a, b, canary];
const rules = (patch: Partial<GovernanceRules>): GovernanceRules => ({ ...EMPTY_GOVERNANCE_RULES, ...patch });
const ids = (list: readonly ServiceInstance[]) => list.map((i) => `${i.id}:${i.weight}`);

describe('applyGovernance', () => {
  it('returns the same array when no rule applies', () => {
    expect(applyGovernance(all, EMPTY_GOVERNANCE_RULES, { x: 'y' })).toBe(all);
  });

  it('overrides weights by id or address, and drops disabled instances', () => {
    const out = applyGovernance(all, rules({ overrides: { a: { weight: 0 }, '10.0.0.1:4002': { weight: 7 }, c: { disabled: true } } }));
    expect(ids(out)).toEqual(['a:0', 'b:7']);
    expect(b.weight).toBe(3); // inputs untouched
  });

  it('sends matching calls to the tagged instances and keeps the others off them (exclusive)', () => {
    const r = rules({ routes: { canary: validateRoute({ tag: 'canary' }) } });
    expect(ids(applyGovernance(all, r, { 'x-nestrpc-tag': 'canary' }))).toEqual(['c:1']);
    expect(ids(applyGovernance(all, r, {}))).toEqual(['a:1', 'b:3']);
    expect(ids(applyGovernance(all, r))).toEqual(['a:1', 'b:3']);
  });

  it('falls back to the other instances, or fails, when no tagged instance is left', () => {
    const noCanary = [a, b];
    expect(ids(applyGovernance(noCanary, rules({ routes: { r: validateRoute({ tag: 'canary' }) } }), { 'x-nestrpc-tag': 'canary' }))).toEqual(['a:1', 'b:3']);
    expect(applyGovernance(noCanary, rules({ routes: { r: validateRoute({ tag: 'canary', fallback: 'fail' }) } }), { 'x-nestrpc-tag': 'canary' })).toEqual([]);
    // A drained canary (weight 0) counts as none left.
    const drained = rules({ overrides: { c: { weight: 0 } }, routes: { r: validateRoute({ tag: 'canary' }) } });
    expect(ids(applyGovernance(all, drained, { 'x-nestrpc-tag': 'canary' }))).toEqual(['a:1', 'b:3']);
  });

  it('matches custom headers and values, non-exclusive routes share the tagged instances', () => {
    const r = rules({ routes: { beta: validateRoute({ header: 'x-user-group', value: 'beta', tag: 'canary', exclusive: false }) } });
    expect(ids(applyGovernance(all, r, { 'x-user-group': 'beta' }))).toEqual(['c:1']);
    expect(ids(applyGovernance(all, r, { 'x-user-group': 'other' }))).toEqual(['a:1', 'b:3', 'c:1']);
  });

  it('puts instances named by address or id into the route group, no tag needed', () => {
    const r = rules({ routes: { canary: validateRoute({ tag: 'canary', addresses: ['10.0.0.1:4002', 'a'] }) } });
    expect(ids(applyGovernance(all, r, { 'x-nestrpc-tag': 'canary' }))).toEqual(['a:1', 'b:3', 'c:1']);
    expect(ids(applyGovernance([a, b, inst('d', 4004)], r))).toEqual(['d:1']);
  });

  it('serves untagged calls on reserved instances when nothing else is left', () => {
    expect(ids(applyGovernance([canary], rules({ routes: { r: validateRoute({ tag: 'canary' }) } })))).toEqual(['c:1']);
  });

  it('applies allow and deny lists by host or host:port', () => {
    expect(ids(applyGovernance(all, rules({ access: { allow: [], deny: ['10.0.0.1:4001'] } })))).toEqual(['b:3', 'c:1']);
    expect(ids(applyGovernance(all, rules({ access: { allow: ['10.0.0.1:4003'], deny: [] } })))).toEqual(['c:1']);
    expect(applyGovernance(all, rules({ access: { allow: [], deny: ['10.0.0.1'] } }))).toEqual([]);
  });

  it('pins a call to a direct address, even a drained one, but not past a deny list', () => {
    const drained = rules({ overrides: { b: { weight: 0 } } });
    expect(ids(applyGovernance(all, drained, { [DIRECT_ADDRESS_HEADER]: '10.0.0.1:4002' }))).toEqual(['b:3']);
    expect(ids(applyGovernance([inst('z', 4009, { weight: 0 })], EMPTY_GOVERNANCE_RULES, { [DIRECT_ADDRESS_HEADER]: '10.0.0.1:4009' }))).toEqual(['z:1']);
    expect(applyGovernance(all, EMPTY_GOVERNANCE_RULES, { [DIRECT_ADDRESS_HEADER]: '10.9.9.9:1' })).toEqual([]);
    expect(applyGovernance(all, rules({ access: { allow: [], deny: ['10.0.0.1:4002'] } }), { [DIRECT_ADDRESS_HEADER]: '10.0.0.1:4002' })).toEqual([]);
  });
});
