import { RulesState } from './rules-state';

const logger = () => ({ log: jest.fn(), warn: jest.fn(), error: jest.fn() });

describe('RulesState', () => {
  it('keeps the previous valid rule when a key is overwritten with an invalid one, and says why', () => {
    const log = logger();
    const state = new RulesState('Hello', log);
    expect(state.put('/ns/governance/Hello/instances/a', '{"weight":5}')).toBe(true);
    expect(state.put('/ns/governance/Hello/instances/a', '{"weight":-3}')).toBe(false);
    expect(state.rules.overrides).toEqual({ a: { weight: 5 } });
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/Invalid governance rule .*weight must be.*keeping the previous rule/));
  });

  it('re-lists: drops deleted keys, keeps previous values of keys that became invalid', () => {
    const state = new RulesState('Hello', logger());
    state.reset(new Map([['/ns/governance/Hello/routes/canary', '{"tag":"canary"}'], ['/ns/governance/Hello/instances/a', '{"disabled":true}']]));
    const changed = state.reset(new Map([['/ns/governance/Hello/routes/canary', 'not json']]));
    expect(changed).toBe(true);
    expect(Object.keys(state.rules.routes)).toEqual(['canary']);
    expect(state.rules.overrides).toEqual({});
    expect(state.delete('/ns/governance/Hello/routes/canary')).toBe(true);
    expect(state.rules.routes).toEqual({});
  });

  it('ignores keys of other services', () => {
    const state = new RulesState('Hello', logger());
    expect(state.put('/ns/governance/Other/access', '{"deny":["x"]}')).toBe(false);
  });
});
