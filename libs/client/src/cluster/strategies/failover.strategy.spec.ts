import { NoProvidersError } from '@nestrpc/discovery';
import { ConnectionRefusedError, RpcTimeoutError } from '@nestrpc/transport';
import { concat, lastValueFrom, NEVER, of, throwError, timer, toArray } from 'rxjs';
import { map } from 'rxjs/operators';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { failover } from './failover.strategy';

const refused = () => throwError(() => new ConnectionRefusedError('x:1'));

describe('failover (streams, cancellation, running out)', () => {
  it('never retries once a value reached the caller: a stream that breaks mid-way fails, even when idempotent', async () => {
    const invoker = new FakeInvoker(['a', 'b'], () => concat(of(1, 2), throwError(() => new ConnectionRefusedError('x:1'))));
    const seen: unknown[] = [];
    const outcome = lastValueFrom(failover(invoker.asInvoker(), fakeCall({ idempotent: true })).pipe(map((v) => seen.push(v))));
    await expect(outcome).rejects.toBeInstanceOf(ConnectionRefusedError);
    expect(seen).toEqual([1, 2]);
    expect(invoker.attempts).toEqual(['a']);
  });

  it('passes every value of a stream through, from the instance that answered', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => (i.id === 'a' ? refused() : of('x', 'y', 'z')));
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall()).pipe(toArray()))).resolves.toEqual(['x', 'y', 'z']);
    expect(invoker.attempts).toEqual(['a', 'b']);
  });

  it('cancels the running attempt when the caller unsubscribes', () => {
    const invoker = new FakeInvoker(['a'], () => NEVER);
    const subscription = failover(invoker.asInvoker(), fakeCall()).subscribe();
    expect(invoker.attempts).toEqual(['a']);
    subscription.unsubscribe();
    expect(invoker.cancelled).toEqual(['a']);
  });

  it('when every instance was tried, fails with the last attempt\'s error, not "no providers"', async () => {
    const invoker = new FakeInvoker(['a', 'b'], refused);
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall({ retries: 5 })))).rejects.toBeInstanceOf(ConnectionRefusedError);
    expect(invoker.attempts).toEqual(['a', 'b']);
  });

  it('with no instance at all, fails with NoProvidersError', async () => {
    const invoker = new FakeInvoker([], refused);
    await expect(lastValueFrom(failover(invoker.asInvoker(), fakeCall()))).rejects.toBeInstanceOf(NoProvidersError);
  });

  it('stops retrying at the deadline and reports the failure it got, not a bare timeout', async () => {
    const deadline = Date.now() + 40;
    const invoker = new FakeInvoker(['a', 'b', 'c'], () => timer(60).pipe(map(() => { throw new ConnectionRefusedError('x:1'); })));
    const error = await lastValueFrom(failover(invoker.asInvoker(), fakeCall({ deadline, retries: 2 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect(error).not.toBeInstanceOf(RpcTimeoutError);
    expect(invoker.attempts).toEqual(['a']); // the deadline had passed when a failed
  });
});
