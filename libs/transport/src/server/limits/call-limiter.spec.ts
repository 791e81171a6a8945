import { ServerOverloadedError } from '../../errors/server-overloaded.error';
import { RpcContext } from '../rpc.context';
import { RpcIdentity } from '../../auth/rpc-identity';
import { LRU_REFRESH_MS } from './bounded-buckets';
import { CallLimiter, CallPermit } from './call-limiter';
import { CallerCache } from './caller-cache';

function contextOf(peer: string, headers: Record<string, string> = {}, identity?: RpcIdentity): RpcContext {
  return new RpcContext({ pattern: 'p', headers }, { seq: 1, peer, identity, receivedAt: 0, idempotent: false, controller: undefined, cancelled: false });
}

describe('CallLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  const admitted = (result: CallPermit | ServerOverloadedError): CallPermit => {
    if (result instanceof ServerOverloadedError) throw result;
    return result;
  };

  it('limits concurrency over the server and per pattern, and frees a slot on release', () => {
    const limiter = new CallLimiter({ maxConcurrentCalls: 3, methods: { a: { maxConcurrent: 2 } } }, clock);
    const ctx = contextOf('10.0.0.1:1');
    const a1 = admitted(limiter.admit('a', ctx));
    admitted(limiter.admit('a', ctx));
    expect(limiter.admit('a', ctx)).toMatchObject({ reason: 'concurrency', retryable: true });
    admitted(limiter.admit('b', ctx));
    expect(limiter.admit('b', ctx)).toMatchObject({ reason: 'concurrency' });
    expect(limiter.activeCalls).toBe(3);
    a1.release();
    admitted(limiter.admit('a', ctx));
    expect(limiter.activeCalls).toBe(3);
  });

  it('rate-limits a pattern and refills over time', () => {
    const limiter = new CallLimiter({ methods: { a: { rate: { perSecond: 10, burst: 2 } } } }, clock);
    const ctx = contextOf('10.0.0.1:1');
    admitted(limiter.admit('a', ctx)).release();
    admitted(limiter.admit('a', ctx)).release();
    const refused = limiter.admit('a', ctx) as ServerOverloadedError;
    expect(refused).toMatchObject({ code: 'OVERLOADED', reason: 'rate_limit', retryAfterMs: 100 });
    now = 100;
    admitted(limiter.admit('a', ctx));
  });

  it('takes nothing from any bucket when one of them refuses (global per caller + per pattern per caller)', () => {
    const limiter = new CallLimiter({ perCaller: { perSecond: 0.001, burst: 3 }, methods: { a: { perCaller: { perSecond: 0.001, burst: 1 } } }, maxTrackedCallers: 10 }, clock);
    const ctx = contextOf('10.0.0.1:1');
    admitted(limiter.admit('a', ctx));
    expect(limiter.admit('a', ctx)).toMatchObject({ reason: 'rate_limit' });
    expect(limiter.admit('a', ctx)).toMatchObject({ reason: 'rate_limit' });
    // The caller's global bucket lost only the one admitted call: 2 left for other patterns.
    admitted(limiter.admit('b', ctx));
    admitted(limiter.admit('b', ctx));
    expect(limiter.admit('b', ctx)).toMatchObject({ reason: 'rate_limit' });
  });

  it('keys callers by address without the port by default, and by callerKey when given', () => {
    const byAddress = new CallLimiter({ perCaller: { perSecond: 0.001, burst: 1 } }, clock);
    admitted(byAddress.admit('a', contextOf('10.0.0.1:1')));
    expect(byAddress.admit('a', contextOf('10.0.0.1:2'))).toMatchObject({ reason: 'rate_limit' });
    admitted(byAddress.admit('a', contextOf('10.0.0.2:1')));

    const byTenant = new CallLimiter({ perCaller: { perSecond: 0.001, burst: 1 }, callerKey: (ctx) => ctx.getHeader('tenant') ?? '?' }, clock);
    admitted(byTenant.admit('a', contextOf('10.0.0.1:1', { tenant: 'x' })));
    admitted(byTenant.admit('a', contextOf('10.0.0.1:1', { tenant: 'y' })));
    expect(byTenant.admit('a', contextOf('10.0.0.9:1', { tenant: 'x' }))).toMatchObject({ reason: 'rate_limit' });
  });

  it('falls back on the address when callerKey throws', () => {
    const limiter = new CallLimiter({ perCaller: { perSecond: 0.001, burst: 1 }, callerKey: () => { throw new Error('boom'); } }, clock);
    admitted(limiter.admit('a', contextOf('10.0.0.1:1')));
    expect(limiter.admit('a', contextOf('10.0.0.1:2'))).toMatchObject({ reason: 'rate_limit' });
  });

  it('is not created (nothing on the call path) unless some limit is set', () => {
    expect(CallLimiter.create(undefined)).toBeUndefined();
    expect(CallLimiter.create({ methods: {}, maxTrackedCallers: 5 })).toBeUndefined();
    expect(CallLimiter.create({ maxConcurrentCalls: 1 })).toBeInstanceOf(CallLimiter);
  });

  it('rejects nonsensical limits at construction', () => {
    expect(() => new CallLimiter({ maxConcurrentCalls: 0 })).toThrow(TypeError);
    expect(() => new CallLimiter({ perCaller: { perSecond: -1 } })).toThrow(TypeError);
    expect(() => new CallLimiter({ methods: { a: { rate: { perSecond: Infinity } } } })).toThrow(TypeError);
    expect(() => new CallLimiter({ maxTrackedCallers: 0 })).toThrow(TypeError);
  });

  describe('with a per-connection CallerCache', () => {
    const spendOnce = { perSecond: 0.001, burst: 1 };

    it('fetches a fresh bucket once the bounded map has evicted the cached one', () => {
      const limiter = new CallLimiter({ perCaller: spendOnce, methods: { a: { perCaller: spendOnce } }, maxTrackedCallers: 2 }, clock);
      const first = new CallerCache();
      const ctx = contextOf('10.0.0.1:1');
      admitted(limiter.admit('a', ctx, first));
      // The cached (spent) buckets refuse.
      expect(limiter.admit('a', ctx, first)).toMatchObject({ reason: 'rate_limit' });
      // Another caller's two spent buckets push both of the first caller's out (cap 2).
      admitted(limiter.admit('a', contextOf('10.0.0.2:1'), new CallerCache()));
      expect(limiter.callers.evictions).toBe(2);
      expect(limiter.callers.size).toBe(2);
      // Evicted: forgotten as without a cache, the caller starts full buckets (it would be refused were the cache still used).
      admitted(limiter.admit('a', ctx, first));
      expect(limiter.callers.size).toBe(2);
    });

    it('evaluates a user callerKey on every call and keeps each key its own bucket', () => {
      const callerKey = jest.fn((ctx: RpcContext) => ctx.getHeader('tenant') ?? '?');
      const limiter = new CallLimiter({ perCaller: spendOnce, callerKey }, clock);
      const cache = new CallerCache();
      admitted(limiter.admit('a', contextOf('10.0.0.1:1', { tenant: 'x' }), cache));
      admitted(limiter.admit('a', contextOf('10.0.0.1:1', { tenant: 'y' }), cache));
      expect(limiter.admit('a', contextOf('10.0.0.1:1', { tenant: 'x' }), cache)).toMatchObject({ reason: 'rate_limit' });
      expect(callerKey).toHaveBeenCalledTimes(3);
    });

    it('recomputes the default key when the connection authenticates', () => {
      const limiter = new CallLimiter({ perCaller: spendOnce }, clock);
      const cache = new CallerCache();
      admitted(limiter.admit('a', contextOf('10.0.0.1:1'), cache));
      const alice: RpcIdentity = { kind: 'token', subject: 'alice', claims: {} };
      // Now keyed `token:alice`, not the spent host bucket.
      admitted(limiter.admit('a', contextOf('10.0.0.1:1', {}, alice), cache));
      expect(limiter.admit('a', contextOf('10.0.0.1:1', {}, alice), cache)).toMatchObject({ reason: 'rate_limit' });
    });

    it('moves a cached bucket to the recent end of the LRU order at most once per LRU_REFRESH_MS', () => {
      const limiter = new CallLimiter({ perCaller: { perSecond: 0.001, burst: 2 }, maxTrackedCallers: 2 }, clock);
      const hot = new CallerCache();
      admitted(limiter.admit('a', contextOf('10.0.0.1:1'), hot));
      admitted(limiter.admit('a', contextOf('10.0.0.2:1'), new CallerCache()));
      now = LRU_REFRESH_MS;
      admitted(limiter.admit('a', contextOf('10.0.0.1:1'), hot)); // its last token, and a refresh: 10.0.0.2 is now the oldest
      admitted(limiter.admit('a', contextOf('10.0.0.3:1'), new CallerCache()));
      expect(limiter.callers.evictions).toBe(1);
      // 10.0.0.1 kept its spent bucket (10.0.0.2's went): had it been evicted, this call would start a fresh one.
      expect(limiter.admit('a', contextOf('10.0.0.1:1'), hot)).toMatchObject({ reason: 'rate_limit' });
    });
  });
});
