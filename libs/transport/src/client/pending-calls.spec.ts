import { WritePacket } from '@nestjs/microservices';
import { PendingCall, PendingCalls } from './pending-calls';

function call(seq: number, sink: WritePacket[] = []): PendingCall {
  return { seq, pattern: 'p', timeoutMs: 0, callback: (packet) => sink.push(packet) };
}

describe('PendingCalls', () => {
  it('hands out increasing ids that skip 0 and wrap around u32', () => {
    const calls = new PendingCalls();
    expect(calls.nextSeq()).toBe(1);
    (calls as unknown as { lastSeq: number }).lastSeq = 0xfffffffe;
    expect(calls.nextSeq()).toBe(0xffffffff);
    expect(calls.nextSeq()).toBe(1);
  });

  it('skips ids still pending after a wrap', () => {
    const calls = new PendingCalls();
    calls.add(call(1));
    calls.add(call(2));
    (calls as unknown as { lastSeq: number }).lastSeq = 0xffffffff;
    expect(calls.nextSeq()).toBe(3);
  });

  it('take() removes the call and its deadline once', () => {
    let fired = false;
    const calls = new PendingCalls(() => (fired = true));
    const pending = call(7);
    calls.add(pending, 5);
    expect(calls.deadlineCount).toBe(1);
    expect(calls.take(7)).toBe(pending);
    expect(calls.take(7)).toBeUndefined();
    expect(calls.size).toBe(0);
    expect(calls.deadlineCount).toBe(0);
    return new Promise<void>((resolve) => setTimeout(() => {
      expect(fired).toBe(false);
      resolve();
    }, 20));
  });

  it('hands a call whose deadline passed to onTimeout, still pending', async () => {
    const expired: PendingCall[] = [];
    const calls = new PendingCalls((c) => expired.push(c));
    calls.add(call(1), 5);
    calls.add(call(2)); // no deadline
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(expired.map((c) => c.seq)).toEqual([1]);
    expect(calls.get(1)).toBeDefined();
    expect(calls.deadlineCount).toBe(0);
  });

  it('failAll() fails every call with its own error and empties the table', () => {
    const calls = new PendingCalls();
    const sink: WritePacket[] = [];
    calls.add(call(1, sink));
    calls.add(call(2, sink));
    calls.add(call(3, sink), 60_000);
    calls.failAll((c) => `error ${c.seq}`);
    expect(sink).toEqual([
      { err: 'error 1', isDisposed: true },
      { err: 'error 2', isDisposed: true },
      { err: 'error 3', isDisposed: true },
    ]);
    expect(calls.size).toBe(0);
    expect(calls.deadlineCount).toBe(0);
  });
});

describe('isSequenceAfter', () => {
  // Imported lazily to keep this spec about PendingCalls self-contained above.
  const { isSequenceAfter } = jest.requireActual<typeof import('./client-connection')>('./client-connection');

  it('orders sequence ids across the u32 wrap', () => {
    expect(isSequenceAfter(5, 4)).toBe(true);
    expect(isSequenceAfter(4, 5)).toBe(false);
    expect(isSequenceAfter(4, 4)).toBe(false);
    expect(isSequenceAfter(1, 0xffffffff)).toBe(true);
    expect(isSequenceAfter(0xffffffff, 1)).toBe(false);
  });
});
