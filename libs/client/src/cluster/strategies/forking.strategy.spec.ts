import { NoProvidersError } from '@nestrpc/discovery';
import { ConnectionRefusedError } from '@nestrpc/transport';
import { lastValueFrom, of, throwError, timer, toArray } from 'rxjs';
import { map } from 'rxjs/operators';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { forking } from './forking.strategy';

describe('forking (fewer instances, streams)', () => {
  it('forks over the instances there are when fewer than `forks`', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => timer(i.id === 'a' ? 20 : 1).pipe(map(() => i.id)));
    await expect(lastValueFrom(forking(invoker.asInvoker(), fakeCall({}, { forks: 5 })))).resolves.toBe('b');
    expect(invoker.attempts).toEqual(['a', 'b']);
  });

  it('makes one attempt for forks ≤ 1', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => of(i.id));
    await expect(lastValueFrom(forking(invoker.asInvoker(), fakeCall({}, { forks: 0 })))).resolves.toBe('a');
    expect(invoker.attempts).toEqual(['a']);
  });

  it('fails with NoProvidersError when there is no instance', async () => {
    const invoker = new FakeInvoker([], () => of('never'));
    await expect(lastValueFrom(forking(invoker.asInvoker(), fakeCall()))).rejects.toBeInstanceOf(NoProvidersError);
    expect(invoker.attempts).toEqual([]);
  });

  it('streams only the winner\'s values; a failure of the winner after it answered reaches the caller', async () => {
    const invoker = new FakeInvoker(['fast', 'slow'], (i) =>
      i.id === 'fast' ? timer(1).pipe(map(() => 'f1')) : timer(30).pipe(map(() => 's1')),
    );
    await expect(lastValueFrom(forking(invoker.asInvoker(), fakeCall()).pipe(toArray()))).resolves.toEqual(['f1']);
    expect(invoker.cancelled).toEqual(['slow']);

    const breaking = new FakeInvoker(['a', 'b'], (i) => (i.id === 'a' ? throwError(() => new ConnectionRefusedError('x:1')) : throwError(() => new ConnectionRefusedError('y:2'))));
    await expect(lastValueFrom(forking(breaking.asInvoker(), fakeCall()))).rejects.toThrow(/y:2/); // the last fork to fail
  });
});
