import { EventEmitter } from 'events';
import { instanceKey } from '../../instance/key-layout';
import { ServiceInstance } from '../../instance/service-instance';
import { EtcdKv, ListResult } from './etcd-kv';
import { ServiceWatch } from './service-watch';

/** Just enough of etcd3's Watcher: events in, cancel() recorded. */
class FakeWatcher extends EventEmitter {
  cancelled = false;
  constructor(readonly startRevision: string) {
    super();
  }
  async cancel(): Promise<void> {
    this.cancelled = true;
  }
}

const header = (revision: number, clusterId = 'c1') => ({ header: { cluster_id: clusterId, revision: String(revision) } });
const kv = (id: string, patch: Record<string, unknown> = {}) => {
  const value = { id, service: 'Hello', version: '1.0.0', host: 'h', port: 1, ...patch };
  return { key: Buffer.from(instanceKey('ns', 'Hello', String(value.version), id)), value: Buffer.from(JSON.stringify(value)) };
};

function setUp(listings: Array<ListResult | Error>) {
  const watchers: FakeWatcher[] = [];
  const list = jest.fn(async () => {
    const next = listings.length > 1 ? listings.shift()! : listings[0];
    if (next instanceof Error) throw next;
    return next;
  });
  const builder = {
    revision: '',
    prefix: () => builder,
    startRevision: (r: string) => ((builder.revision = r), builder),
    watcher: () => {
      const watcher = new FakeWatcher(builder.revision);
      watchers.push(watcher);
      setImmediate(() => watcher.emit('connected', header(0)));
      return watcher;
    },
  };
  const fakeKv = { client: { watch: () => builder }, list, bounded: <T>(p: Promise<T>) => p } as unknown as EtcdKv;
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };
  const saved: ServiceInstance[] = [];
  const watch = new ServiceWatch('Hello', {
    kv: fakeKv,
    namespace: 'ns',
    logger,
    emptyPush: { enabled: true, holdMs: 60_000 },
    fallback: () => (saved.length > 0 ? { instances: saved, savedAt: 1 } : undefined),
    onPublish: () => undefined,
  });
  const lists: string[] = [];
  watch.subscribe({ next: (l) => lists.push(l.map((i) => i.id).join(',')), complete: () => lists.push('<complete>') });
  return { watch, watchers, list, logger, lists, saved };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ServiceWatch', () => {
  it('lists, then watches from revision + 1 and applies puts and deletes', async () => {
    const { watch, watchers, lists } = setUp([{ revision: 7, clusterId: 'c1', kvs: [kv('a')] as never }]);
    watch.start();
    await settle();
    expect(watchers[0].startRevision).toBe('8');
    watchers[0].emit('put', kv('b'));
    watchers[0].emit('put', kv('a', { weight: 5 }));
    watchers[0].emit('delete', kv('b'));
    expect(lists).toEqual(['a', 'a,b', 'a,b', 'a']);
    await watch.close();
    expect(watchers[0].cancelled).toBe(true);
    expect(lists.at(-1)).toBe('<complete>');
  });

  it('re-lists and re-watches after a watch error such as compaction', async () => {
    const { watch, watchers, list, logger, lists } = setUp([
      { revision: 7, clusterId: 'c1', kvs: [kv('a')] as never },
      { revision: 40, clusterId: 'c1', kvs: [kv('b')] as never },
    ]);
    watch.start();
    await settle();
    watchers[0].emit('error', new Error('Watcher canceled: mvcc: required revision has been compacted'));
    await settle();
    expect(list).toHaveBeenCalledTimes(2);
    expect(watchers[0].cancelled).toBe(true);
    expect(watchers[1].startRevision).toBe('41');
    expect(lists.at(-1)).toBe('b');
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/compacted.*re-listing/));
    await watch.close();
  });

  it('re-lists when the stream comes back, and when it shows another cluster', async () => {
    const { watch, watchers, list, logger } = setUp([{ revision: 7, clusterId: 'c1', kvs: [] }]);
    watch.start();
    await settle();
    watchers[0].emit('connected', header(9));
    await settle();
    expect(list).toHaveBeenCalledTimes(1);
    watchers[0].emit('disconnected', new Error('UNAVAILABLE'));
    watchers[0].emit('connected', header(9));
    await settle();
    expect(list).toHaveBeenCalledTimes(2);
    watchers[1].emit('connected', header(100, 'c2'));
    await settle();
    expect(list).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/different cluster/));
    await watch.close();
  });

  it('skips malformed entries and entries whose value contradicts the key', async () => {
    const bad = { key: Buffer.from(instanceKey('ns', 'Hello', '1.0.0', 'x')), value: Buffer.from('{oops') };
    const { watch, logger, lists } = setUp([{ revision: 1, clusterId: 'c1', kvs: [kv('a'), bad, { ...kv('y'), key: kv('z').key }] as never }]);
    watch.start();
    await settle();
    expect(lists).toEqual(['a']);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    await watch.close();
  });

  it('serves the snapshot when etcd cannot be listed, and keeps retrying', async () => {
    const { watch, list, lists, saved } = setUp([new Error('etcd unreachable'), new Error('etcd unreachable'), { revision: 3, clusterId: 'c1', kvs: [kv('live')] as never }]);
    saved.push({ id: 'saved', service: 'Hello', version: '1.0.0', host: 'h', port: 1, weight: 1, serializers: [], protocolVersion: 1, tags: [], metadata: {}, startedAt: 0 });
    watch.start();
    await settle();
    expect(lists).toEqual(['saved']);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(list.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(lists.at(-1)).toBe('live');
    await watch.close();
  });

  it('waits in close() for a list still in flight, bounded, so that nothing of the watch runs after close() resolved', async () => {
    // The registry closes the etcd client once its watches are closed: a list cut short then failed
    // after close() had resolved, in a test runner whose modules were torn down (CI exited 1).
    const { watch, watchers, list } = setUp([{ revision: 3, clusterId: 'c1', kvs: [] as never }]);
    let answer: (listed: ListResult) => void = () => undefined;
    list.mockImplementationOnce(() => new Promise<ListResult>((resolve) => (answer = resolve)));
    watch.start();
    await settle();
    expect(list).toHaveBeenCalledTimes(1);
    let closed = false;
    const closing = watch.close(5_000).then(() => (closed = true));
    await settle();
    expect(closed).toBe(false); // resolved at once before the fix, the list still in flight
    answer({ revision: 3, clusterId: 'c1', kvs: [] as never });
    await closing;
    expect(watchers).toEqual([]); // the late answer opened no watcher

    // A list that never answers holds close() for its step bound only.
    const stuck = setUp([{ revision: 3, clusterId: 'c1', kvs: [] as never }]);
    stuck.list.mockImplementationOnce(() => new Promise<ListResult>(() => undefined));
    stuck.watch.start();
    await settle();
    const started = Date.now();
    await stuck.watch.close(100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
