import { isObservable, lastValueFrom, Observable, of, throwError, toArray } from 'rxjs';
import { RpcCall } from './rpc-call';

describe('RpcCall', () => {
  it('is an Observable carrying every value', async () => {
    const call = new RpcCall(of(1, 2, 3));
    expect(isObservable(call)).toBe(true);
    await expect(lastValueFrom(call.pipe(toArray()))).resolves.toEqual([1, 2, 3]);
  });

  it('is awaitable: the last value, undefined for an empty result', async () => {
    await expect(new RpcCall(of('a', 'b'))).resolves.toBe('b');
    await expect(new RpcCall(new Observable<void>((s) => s.complete()))).resolves.toBeUndefined();
  });

  it('rejects with the error', async () => {
    await expect(new RpcCall(throwError(() => new Error('no')))).rejects.toThrow('no');
    await expect(new RpcCall(throwError(() => ({ code: 'X' }))).catch((e: unknown) => e)).resolves.toEqual({ code: 'X' });
  });

  it('is lazy, and subscribes once however often it is awaited', async () => {
    let subscriptions = 0;
    const call = new RpcCall(new Observable<number>((s) => { subscriptions++; s.next(7); s.complete(); }));
    expect(subscriptions).toBe(0);
    await call;
    await call;
    expect(subscriptions).toBe(1);
  });
});
