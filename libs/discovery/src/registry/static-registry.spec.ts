import { firstValueFrom, take, toArray } from 'rxjs';
import { InvalidInstanceError } from '../errors/invalid-instance.error';
import { InvalidVersionRangeError } from '../errors/invalid-version-range.error';
import { RegistryClosedError } from '../errors/registry-closed.error';
import { ServiceInstance } from '../instance/service-instance';
import { StaticRegistry } from './static-registry';

const ids = (list: ServiceInstance[]) => list.map((i) => i.id);

describe('StaticRegistry', () => {
  it('serves full instances filtered by semver range, sorted by id', async () => {
    const registry = new StaticRegistry({
      services: [
        { id: 'b', service: 'Hello', version: '1.2.0', host: 'h', port: 1 },
        { id: 'a', service: 'Hello', version: '1.0.0', host: 'h', port: 2, weight: 3 },
        { id: 'c', service: 'Hello', version: '2.0.0', host: 'h', port: 3 },
        { id: 'd', service: 'Other', version: '1.0.0', host: 'h', port: 4 },
      ],
    });
    expect(ids(await registry.instances('Hello', '^1'))).toEqual(['a', 'b']);
    expect(ids(await registry.instances('Hello', '1.2.x'))).toEqual(['b']);
    expect(ids(await registry.instances('Hello', '2.0.0'))).toEqual(['c']);
    expect(ids(await registry.instances('Hello'))).toEqual(['a', 'b', 'c']);
    expect((await registry.instances('Hello', '1.0.0'))[0].weight).toBe(3);
  });

  it('accepts the "host:port[@version]" shorthand; unversioned addresses match every range', async () => {
    const registry = new StaticRegistry({ Hello: ['10.0.0.1:4000', '[::1]:4001@2.1.0'] });
    const all = await registry.instances('Hello', '^2');
    expect(all.map((i) => [i.host, i.port, i.version])).toEqual([
      ['10.0.0.1', 4000, '0.0.0'],
      ['::1', 4001, '2.1.0'],
    ]);
    expect(ids(await registry.instances('Hello', '^3'))).toEqual(['Hello-10.0.0.1-4000']);
    expect(() => new StaticRegistry({ Hello: ['no-port'] })).toThrow(/must be "host:port\[@version\]"/);
  });

  it('refuses duplicate ids, bad names and bad ranges at configuration time', () => {
    const dup = { id: 'x', service: 'Hello', version: '1.0.0', host: 'h', port: 1 };
    expect(() => new StaticRegistry({ services: [dup, dup] })).toThrow(InvalidInstanceError);
    const registry = new StaticRegistry();
    expect(() => registry.watch('Hello', '^^1')).toThrow(InvalidVersionRangeError);
    expect(() => registry.watch('a/b')).toThrow(/Invalid service name/);
  });

  it('pushes register, weight updates and deregister to watchers, only when their range changes', async () => {
    const registry = new StaticRegistry();
    const seen = firstValueFrom(registry.watch('Hello', '^1').pipe(take(4), toArray()));
    await registry.register({ id: 'a', service: 'Hello', version: '1.0.0', host: 'h', port: 1 });
    await registry.register({ id: 'v2', service: 'Hello', version: '2.0.0', host: 'h', port: 2 });
    await registry.update({ id: 'a', service: 'Hello', version: '1.0.0', host: 'h', port: 1, weight: 0 });
    await registry.deregister('a');
    const lists = await seen;
    expect(lists.map(ids)).toEqual([[], ['a'], ['a'], []]);
    expect(lists[1][0].weight).toBe(1);
    expect(lists[2][0].weight).toBe(0);
    await expect(registry.update({ id: 'ghost', service: 'Hello', version: '1.0.0', host: 'h', port: 1 })).rejects.toThrow(InvalidInstanceError);
  });

  it('completes watchers on close and refuses changes afterwards', async () => {
    const registry = new StaticRegistry({ Hello: ['h:1'] });
    const all = firstValueFrom(registry.watch('Hello').pipe(toArray()));
    await registry.close();
    await registry.close();
    expect((await all).map(ids)).toEqual([['Hello-h-1']]);
    await expect(registry.register({ id: 'a', service: 'Hello', version: '1.0.0', host: 'h', port: 1 })).rejects.toThrow(RegistryClosedError);
  });
});
