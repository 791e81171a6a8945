import { ServiceInstance, StaticRegistry } from '@nestrpc/discovery';
import { ConnectionRefusedError, RemoteError, RpcServer, RpcTimeoutError } from '@nestrpc/transport';
import { createServer, Server, Socket } from 'net';
import { instance } from '../../../../test/support/instances';
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

const until = async (check: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('InstancePool health model', () => {
  const closers: (() => Promise<void>)[] = [];
  let registry: StaticRegistry;
  let pool: InstancePool;

  const add = async (id: string, port: number) => registry.register({ id, service: 'Svc', version: '1.0.0', host: '127.0.0.1', port, weight: 1 });
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
});
