import { ConnectionRefusedError } from '@nestrpc/transport';
import { concat, lastValueFrom, of, throwError, timer } from 'rxjs';
import { map } from 'rxjs/operators';
import { fakeCall, FakeInvoker } from '../testing/fake-invoker';
import { broadcast } from './broadcast.strategy';

describe('broadcast (streams, waiting for all)', () => {
  it('answers one result per instance: the last value each streamed', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => concat(of(`${i.id}-1`), of(`${i.id}-2`)));
    await expect(lastValueFrom(broadcast(invoker.asInvoker(), fakeCall()))).resolves.toEqual(['a-2', 'b-2']);
  });

  it('fails only after every instance finished, with the first failure in instance order', async () => {
    const finished: string[] = [];
    const invoker = new FakeInvoker(['a', 'b', 'c'], (i) =>
      timer(i.id === 'c' ? 30 : 1).pipe(
        map(() => {
          finished.push(i.id);
          if (i.id !== 'a') throw new ConnectionRefusedError(`${i.id}:1`);
          return i.id;
        }),
      ),
    );
    await expect(lastValueFrom(broadcast(invoker.asInvoker(), fakeCall()))).rejects.toThrow(/b:1/);
    expect(finished.sort()).toEqual(['a', 'b', 'c']);
    expect(invoker.cancelled).toEqual([]);
  });

  it('an instance that completes without a value counts as an answer (undefined)', async () => {
    const invoker = new FakeInvoker(['a', 'b'], (i) => (i.id === 'a' ? of() : throwError(() => new ConnectionRefusedError('x'))));
    const ok = new FakeInvoker(['a'], () => of());
    await expect(lastValueFrom(broadcast(ok.asInvoker(), fakeCall()))).resolves.toEqual([undefined]);
    await expect(lastValueFrom(broadcast(invoker.asInvoker(), fakeCall()))).rejects.toBeInstanceOf(ConnectionRefusedError);
  });
});
