import { callScopesEnabled, currentCallScope, enableCallScopes, runInCallScope, scopeOfCall } from './call-scope';

describe('call scope', () => {
  it('costs nothing until a process enables it: the scope is not kept, fn still runs', async () => {
    expect(callScopesEnabled()).toBe(false);
    expect(runInCallScope({ deadline: 1 }, () => currentCallScope())).toBeUndefined();
    enableCallScopes();
    expect(callScopesEnabled()).toBe(true);
  });

  it('is visible across awaits and timers inside the scope, and absent outside', async () => {
    expect(currentCallScope()).toBeUndefined();
    const seen = await runInCallScope({ deadline: 123, traceparent: 't' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentCallScope();
    });
    expect(seen).toEqual({ deadline: 123, traceparent: 't' });
    expect(currentCallScope()).toBeUndefined();
  });

  it('derives the deadline from the time left the caller sent (none for 0 or absent)', () => {
    expect(scopeOfCall({ timeoutMs: 500, traceparent: 'x' }, 1_000)).toEqual({ deadline: 1_500, traceparent: 'x', tracestate: undefined });
    expect(scopeOfCall({ timeoutMs: 0 }, 1_000).deadline).toBeUndefined();
    expect(scopeOfCall({}, 1_000).deadline).toBeUndefined();
  });
});
