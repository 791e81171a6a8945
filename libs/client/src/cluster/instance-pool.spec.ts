import { ServiceInstance, StaticRegistry } from '@nestrpc/discovery';
import { ConnectionRefusedError, RemoteError, RpcServer, RpcTimeoutError } from '@nestrpc/transport';
import { createServer, Server, Socket } from 'net';
import { instance, instanceInit } from '../../../../test/support/instances';
import { waitFor } from '../../../../test/support/wait-for';
import { InstancePool } from './instance-pool';

/** A real server answering `Svc.ok`, and a black hole that accepts and never answers. */
async function answering(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0 });
  server.addHandler('Svc.ok', async () => 'ok', false);
  await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  return { port: server.address().port, close: () => server.close() };
}

async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const until = (check: () => boolean, ms = 3_000) => waitFor(check, 'the pool state', ms);

describe('InstancePool health model', () => {
  const closers: (() => Promise<void>)[] = [];
  let registry: StaticRegistry;
  let pool: InstancePool;

  const add = async (id: string, port: number) => registry.register(instanceInit(id, { service: 'Svc', port }));
  const ids = () => pool.healthy().map((i) => i.id).sort();
  const byId = (id: string): ServiceInstance => pool.all.find((i) => i.id === id) ?? instance(id, { service: 'Svc', port: 1 });

  beforeEach(() => {
    registry = new StaticRegistry();
  });

  afterEach(async () => {
    await pool?.close();
    await registry.close();
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  async function start(options: ConstructorParameters<typeof InstancePool>[3] = {}) {
    pool = new InstancePool(registry, 'Svc', '*', { probeTimeoutMs: 300, outlier: { baseMs: 200, maxMs: 400 }, ...options });
    pool.start();
  }

  it('sends traffic to an instance only once a probe answered; a black hole never gets any', async () => {
    const good = await answering();
    const hole = await blackHole();
    closers.push(good.close, hole.close);
    await add('good', good.port);
    await add('hole', hole.port);
    await start();
    expect(pool.stateOf('good')).toBe('probing');
    await until(() => pool.stateOf('good') === 'ready');
    expect(ids()).toEqual(['good']);
    await until(() => pool.stateOf('hole') === 'ejected', 2_000);
    expect(ids()).toEqual(['good']);
  });

  it('ejects at once on a dead connection, and re-admits by probe', async () => {
    const good = await answering();
    closers.push(good.close);
    await add('a', good.port);
    await start();
    await until(() => pool.stateOf('a') === 'ready');
    pool.begin(byId('a'))({ error: new ConnectionRefusedError('127.0.0.1:1') });
    expect(pool.stateOf('a')).toBe('ejected');
    await until(() => pool.stateOf('a') === 'ready', 2_000);
  });

  it('ejects an outlier after consecutive timeouts, never for domain errors, and caps the ejected share', async () => {
    const servers = await Promise.all([answering(), answering(), answering(), answering()]);
    closers.push(...servers.map((s) => s.close));
    for (const [i, s] of servers.entries()) await add(`i${i}`, s.port);
    await start({ maxEjectionPercent: 50 });
    await until(() => servers.every((_, i) => pool.stateOf(`i${i}`) === 'ready'));
    const fail = (id: string, error: unknown, n: number) => {
      for (let k = 0; k < n; k++) pool.begin(byId(id))({ error });
    };
    fail('i0', { status: 'error', code: 'OUT_OF_STOCK', message: 'none' }, 50); // a handler's RpcException payload
    fail('i0', new RemoteError({ code: 'ODD', message: 'odd' }), 50);
    expect(pool.stateOf('i0')).toBe('ready');
    fail('i1', new RpcTimeoutError('Svc.ok', 100), 4);
    expect(pool.stateOf('i1')).toBe('ready');
    fail('i1', new RpcTimeoutError('Svc.ok', 100), 1);
    expect(pool.stateOf('i1')).toBe('ejected');
    fail('i2', new RpcTimeoutError('Svc.ok', 100), 5);
    expect(pool.stateOf('i2')).toBe('ejected');
    fail('i3', new RpcTimeoutError('Svc.ok', 100), 5); // 2 of 4 already ejected: the cap keeps it
    expect(pool.stateOf('i3')).toBe('ready');
    expect(ids()).toEqual(['i0', 'i3']);
  });

  it('gives no new calls to an instance that is busy and silent (stall), until it answers', async () => {
    const servers = await Promise.all([answering(), answering()]);
    closers.push(...servers.map((s) => s.close));
    await add('busy', servers[0].port);
    await add('idle', servers[1].port);
    await start({ stallMs: 100 });
    await until(() => pool.stateOf('busy') === 'ready' && pool.stateOf('idle') === 'ready');
    const end = pool.begin(byId('busy'));
    await until(() => ids().length === 1, 1_000);
    expect(ids()).toEqual(['idle']);
    end('ok');
    expect(ids()).toEqual(['busy', 'idle']);
  });

  it('when nothing is fit, offers what it has rather than certain failure', async () => {
    const hole = await blackHole();
    closers.push(hole.close);
    await add('only', hole.port);
    await start();
    expect(ids()).toEqual(['only']);
  });

  it('applies weight and tag changes in place, without a new probe', async () => {
    const good = await answering();
    closers.push(good.close);
    await add('a', good.port);
    await start();
    await until(() => pool.stateOf('a') === 'ready');
    await registry.update(instanceInit('a', { service: 'Svc', port: good.port, weight: 5, tags: ['blue'] }));
    await until(() => pool.all[0]?.weight === 5);
    expect(pool.all[0].tags).toEqual(['blue']);
    expect(pool.stateOf('a')).toBe('ready');
  });

  it('forgets a departed instance, and probes one that moved to a new address before it takes traffic again', async () => {
    const [first, second] = await Promise.all([answering(), answering()]);
    const hole = await blackHole();
    closers.push(first.close, second.close, hole.close);
    await add('moves', first.port);
    await add('leaves', second.port);
    await start();
    await until(() => pool.stateOf('moves') === 'ready' && pool.stateOf('leaves') === 'ready');
    await registry.deregister('leaves');
    await until(() => pool.stateOf('leaves') === undefined);
    expect(pool.all.map((i) => i.id)).toEqual(['moves']);
    // Same id, new address (a restarted container): a black hole there never becomes ready.
    await registry.update(instanceInit('moves', { service: 'Svc', port: hole.port }));
    await until(() => pool.all[0]?.port === hole.port);
    expect(pool.stateOf('moves')).toBe('probing');
    await until(() => pool.stateOf('moves') === 'ejected', 2_000);
  });

  it('lets `eligible` narrow the choice first, fallbacks included', async () => {
    const servers = await Promise.all([answering(), answering()]);
    const hole = await blackHole();
    closers.push(...servers.map((s) => s.close), hole.close);
    await add('a', servers[0].port);
    await add('b', servers[1].port);
    await add('held', hole.port);
    await start();
    await until(() => pool.stateOf('a') === 'ready' && pool.stateOf('b') === 'ready');
    expect(pool.healthy((id) => id !== 'a').map((i) => i.id)).toEqual(['b']);
    // Only the never-ready instance is eligible: offered as the last resort, never one the rules keep out.
    expect(pool.healthy((id) => id === 'held').map((i) => i.id)).toEqual(['held']);
    expect(pool.healthy(() => false)).toEqual([]);
  });
});
