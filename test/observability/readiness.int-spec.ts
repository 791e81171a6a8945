import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EtcdRegistry, ServiceRegistry } from '@nestrpc/discovery';
import { RpcHealthModule, RpcServerHealthIndicator } from '@nestrpc/observability';
import { RpcServerModule, RpcService } from '@nestrpc/server';
import { LocalEtcd, startEtcd } from '../support/etcd';

abstract class PingService {
  abstract ping(): Promise<string>;
}

@RpcService(PingService)
class PingImpl implements PingService {
  async ping(): Promise<string> {
    return 'pong';
  }
}

/** Readiness and registration with a real etcd: down before the first deregistration is sent. */
describe('server readiness', () => {
  let etcd: LocalEtcd;

  beforeAll(async () => {
    etcd = await startEtcd();
  });

  afterAll(async () => {
    await etcd?.stop();
  });

  it('is up once registered with a live lease, and down before the server deregisters on shutdown', async () => {
    const real = new EtcdRegistry({ hosts: etcd.endpoints, namespace: `ready-${process.pid}` });
    let indicator: RpcServerHealthIndicator | undefined;
    const atDeregister: string[] = [];
    // The real registry, recording what readiness said at the moment each deregistration began.
    const registry: ServiceRegistry = Object.assign(Object.create(real) as EtcdRegistry, {
      deregister: async (id: string) => {
        atDeregister.push(String(indicator?.isHealthy()['rpc-server'].status));
        const stillListed = (await real.instances('PingService')).some((i) => i.id === id);
        atDeregister.push(stillListed ? 'listed' : 'gone');
        return real.deregister(id);
      },
    });

    @Module({ imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 }, registry: { use: registry }, deregisterGraceMs: 0 }), RpcHealthModule.forRoot({ path: false })], providers: [PingImpl] })
    class AppModule {}

    // createApplicationContext also initializes: the server listens and registers before it returns.
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const ready = app.get(RpcServerHealthIndicator);
    indicator = ready;
    expect(ready.isHealthy()['rpc-server']).toMatchObject({ status: 'up', listening: true, registered: 1, leaseAlive: true, stopping: false });
    expect((await real.instances('PingService')).length).toBe(1);

    await app.close();
    expect(atDeregister).toEqual(['down', 'listed']);
    expect(ready.isHealthy()['rpc-server']).toMatchObject({ status: 'down', stopping: true });
    await real.close();
  });
});
