import { Logger } from '@nestjs/common';
import { RpcTimeoutError } from '@nestrpc/transport';
import { lastValueFrom, of, throwError, toArray } from 'rxjs';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { failsafe } from './failsafe.strategy';

describe('failsafe', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('passes an answer (every streamed value) through untouched', async () => {
    const invoker = new FakeInvoker(['a'], () => of(1, 2));
    await expect(lastValueFrom(failsafe(invoker.asInvoker(), fakeCall({}, { fallback: 'fb' })).pipe(toArray()))).resolves.toEqual([1, 2]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('answers the fallback for any failure, a handler\'s domain error included, and says so in the log', async () => {
    const domain = { status: 'error', code: 'NOPE', message: 'no' };
    const invoker = new FakeInvoker(['a', 'b'], () => throwError(() => domain));
    await expect(lastValueFrom(failsafe(invoker.asInvoker(), fakeCall({ idempotent: true }, { fallback: 'fb' })))).resolves.toBe('fb');
    expect(invoker.attempts).toEqual(['a']); // failover first: a domain error is never retried
    expect(warn).toHaveBeenCalledWith('Svc.run failed, answering the fallback: no');
  });

  it('answers undefined when no fallback is configured', async () => {
    const invoker = new FakeInvoker(['a'], () => throwError(() => new RpcTimeoutError('Svc.run', 5)));
    await expect(lastValueFrom(failsafe(invoker.asInvoker(), fakeCall()))).resolves.toBeUndefined();
  });
});
