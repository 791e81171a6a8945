import { RpcContext, ServerCallState } from './rpc.context';

function state(overrides: Partial<ServerCallState> = {}): ServerCallState {
  return { seq: 9, peer: '127.0.0.1:5000', receivedAt: 1_000, idempotent: false, controller: undefined, cancelled: false, ...overrides };
}

describe('RpcContext', () => {
  it('exposes pattern, headers, version, peer and sequence id', () => {
    const ctx = new RpcContext({ pattern: 'sum', headers: { a: 'b' }, version: '1.0.0' }, state());
    expect(ctx.getPattern()).toBe('sum');
    expect(ctx.getHeaders()).toEqual({ a: 'b' });
    expect(ctx.getHeader('a')).toBe('b');
    expect(ctx.getVersion()).toBe('1.0.0');
    expect(ctx.getPeer()).toBe('127.0.0.1:5000');
    expect(ctx.getSequenceId()).toBe(9);
    expect(ctx.getArgs()).toHaveLength(2);
  });

  it('derives the deadline from the caller timeout and the arrival time', () => {
    expect(new RpcContext({ timeoutMs: 250 }, state()).getDeadline()).toBe(1_250);
    expect(new RpcContext({}, state()).getDeadline()).toBeUndefined();
    expect(new RpcContext({}, state()).getHeaders()).toEqual({});
  });

  it('creates the abort signal lazily, already aborted when the call was cancelled', () => {
    const call = state();
    const ctx = new RpcContext({}, call);
    expect(call.controller).toBeUndefined();
    const signal = ctx.getSignal();
    expect(signal.aborted).toBe(false);
    expect(ctx.getSignal()).toBe(signal);
    const cancelled = new RpcContext({}, state({ cancelled: true }));
    expect(cancelled.getSignal().aborted).toBe(true);
    expect(cancelled.isCancelled()).toBe(true);
  });
});
