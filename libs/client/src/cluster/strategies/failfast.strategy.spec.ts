import { ConnectionRefusedError } from '@nestrpc/transport';
import { lastValueFrom, of, throwError, toArray } from 'rxjs';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { failfast } from './failfast.strategy';

describe('failfast', () => {
  it('streams the picked instance\'s answer', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => of(`${i.id}1`, `${i.id}2`));
    await expect(lastValueFrom(failfast(invoker.asInvoker(), fakeCall()).pipe(toArray()))).resolves.toEqual(['a1', 'a2']);
    expect(invoker.attempts).toEqual(['a']);
  });

  it('does not retry, not even an idempotent call that never ran', async () => {
    const invoker = new FakeInvoker(['a', 'b'], () => throwError(() => new ConnectionRefusedError('x:1')));
    await expect(lastValueFrom(failfast(invoker.asInvoker(), fakeCall({ idempotent: true, retries: 5 })))).rejects.toBeInstanceOf(ConnectionRefusedError);
    expect(invoker.attempts).toEqual(['a']);
  });

  it('picks lazily, on subscription (a cold observable: nothing runs before the caller subscribes)', () => {
    const invoker = new FakeInvoker(['a'], () => of('x'));
    const pick = jest.spyOn(invoker, 'pick');
    const call = failfast(invoker.asInvoker(), fakeCall());
    expect(pick).not.toHaveBeenCalled();
    call.subscribe();
    expect(pick).toHaveBeenCalledTimes(1);
  });
});
