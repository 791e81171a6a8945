import { RpcRecord } from '@nestrpc/transport';
import { attemptOptions, defaultRoutingKey, resolveCallOptions, unwrapRecord } from './call-options';

describe('resolveCallOptions', () => {
  const now = 1_000_000;

  it('turns the policy timeout into one absolute deadline; overrides beat the policy', () => {
    expect(resolveCallOptions({ timeoutMs: 500, retries: 2 }, {}, undefined, 30_000, now).deadline).toBe(now + 500);
    expect(resolveCallOptions({ timeoutMs: 500, retries: 2 }, { timeoutMs: 200 }, undefined, 30_000, now).deadline).toBe(now + 200);
    expect(resolveCallOptions({ retries: 2 }, {}, undefined, 700, now).deadline).toBe(now + 700); // transport.timeoutMs
    expect(resolveCallOptions({ timeoutMs: 0, retries: 2 }, {}, undefined, 700, now).deadline).toBeUndefined();
  });

  it('never outlives the call being served (inherited deadline) and carries its trace context', () => {
    const inherited = { deadline: now + 300, traceparent: '00-a-b-01', tracestate: 'x=1' };
    const o = resolveCallOptions({ timeoutMs: 5_000, retries: 2 }, {}, inherited, 30_000, now);
    expect(o.deadline).toBe(now + 300);
    expect([o.traceparent, o.tracestate]).toEqual(['00-a-b-01', 'x=1']);
    expect(resolveCallOptions({ timeoutMs: 100, retries: 2 }, {}, inherited, 30_000, now).deadline).toBe(now + 100);
    expect(resolveCallOptions({ retries: 2 }, { traceparent: '00-c-d-01' }, inherited, 30_000, now).tracestate).toBeUndefined();
  });

  it('uses one idempotent value for the wire flag and for retries', () => {
    const o = resolveCallOptions({ idempotent: false, retries: 2 }, { idempotent: true }, undefined, 30_000, now);
    expect(o.idempotent).toBe(true);
    expect(attemptOptions({ ...o, key: undefined }, '1.0.0').idempotent).toBe(true);
  });

  it('sends each attempt the deadline itself (so only the time left), or timeoutMs 0 for none', () => {
    const o = resolveCallOptions({ timeoutMs: 500, retries: 2 }, { headers: { tenant: 'a' } }, undefined, 30_000, now);
    expect(attemptOptions({ ...o, key: 'k' }, '1.2.0')).toEqual({ idempotent: false, version: '1.2.0', deadline: now + 500, headers: { tenant: 'a' } });
    expect(attemptOptions({ ...o, deadline: undefined, key: undefined }, '1.2.0').timeoutMs).toBe(0);
  });
});

describe('unwrapRecord / defaultRoutingKey', () => {
  it('takes an RpcRecord apart: the payload routes, the headers do not', () => {
    const { payload, overrides } = unwrapRecord(new RpcRecord(['user-1'], { headers: { tenant: 'a' }, timeoutMs: 50 }));
    expect(payload).toEqual(['user-1']);
    expect(overrides).toEqual({ headers: { tenant: 'a' }, timeoutMs: 50 });
    expect(defaultRoutingKey(payload)).toBe('user-1');
    expect(defaultRoutingKey(unwrapRecord(new RpcRecord(['user-1'], { headers: { tenant: 'b' } })).payload)).toBe('user-1');
  });
});
