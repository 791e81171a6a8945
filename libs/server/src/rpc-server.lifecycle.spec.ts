import { Controller, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Test, TestingModule } from '@nestjs/testing';
import { ServiceInstance, ServiceInstanceInit, StaticRegistry } from '@nestrpc/discovery';
import { PROTOCOL_VERSION, RpcClient, RpcServer, UnknownPatternError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { RpcService } from './decorators/rpc-service.decorator';
import { RpcServerModuleOptions } from './interfaces/rpc-server-module.options';
import { RpcServerLifecycle } from './rpc-server.lifecycle';
import { RpcServerModule } from './rpc-server.module';

abstract class HelloService {}
abstract class StockService {}

@RpcService(HelloService, { version: '1.0.0', weight: 2, tags: ['blue'] })
class HelloV1 {
  async sayHello(name: string): Promise<string> {
    return `v1 ${name}`;
  }
  _internal(): void {}
}

@RpcService(HelloService, { version: '2.0.0' })
class HelloV2 {
  async sayHello(name: string): Promise<string> {
    return `v2 ${name}`;
  }
}

@RpcService(StockService)
class Stock {
  async count(): Promise<number> {
    return 3;
  }
}

@Controller()
class Plain {
  @MessagePattern('ping')
  ping(): string {
    return 'pong';
  }
}

/** A StaticRegistry that records what happens to it, and when. */
class RecordingRegistry extends StaticRegistry {
  readonly events: Array<{ what: string; at: number }> = [];
  failRegistrationOf: string | undefined;

  override async register(init: ServiceInstanceInit): Promise<ServiceInstance> {
    if (init.service === this.failRegistrationOf) throw new Error(`etcd said no to ${init.service}`);
    this.events.push({ what: `register ${init.service}@${init.version}`, at: Date.now() });
    return super.register(init);
  }

  override async deregister(id: string): Promise<void> {
    this.events.push({ what: 'deregister', at: Date.now() });
    return super.deregister(id);
  }
}

describe('RpcServerLifecycle (through RpcServerModule)', () => {
  let moduleRef: TestingModule | undefined;
  let registry: RecordingRegistry;
  const clients: RpcClient[] = [];

  async function compile(options: RpcServerModuleOptions, providers: Type[] = [HelloV1, HelloV2, Stock], controllers: Type[] = []): Promise<TestingModule> {
    moduleRef = await Test.createTestingModule({ imports: [RpcServerModule.forRoot(options)], providers, controllers })
      .setLogger({ log: () => undefined, warn: () => undefined, error: () => undefined })
      .compile();
    return moduleRef;
  }

  const call = async (pattern: string, args: unknown[]): Promise<unknown> => {
    const client = new RpcClient({ host: '127.0.0.1', port: moduleRef!.get(RpcServer).address().port });
    clients.push(client);
    return firstValueFrom(client.send(pattern, args));
  };

  beforeEach(() => {
    registry = new RecordingRegistry();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await moduleRef?.close();
    moduleRef = undefined;
    await registry.close();
  });

  it('listens on loopback by default and registers one instance per service version, with what consumers need', async () => {
    const ref = await compile({ registry: { use: registry }, metadata: { zone: 'z1' }, deregisterGraceMs: 0 });
    const host = ref.get(RpcServerLifecycle);
    expect(host.health()).toEqual({ listening: false, stopping: false, usesRegistry: true, registered: 0, leaseAlive: true });
    await ref.init();
    const { host: boundHost, port } = ref.get(RpcServer).address();
    expect(boundHost).toBe('127.0.0.1');
    expect(host.health()).toEqual({ listening: true, stopping: false, usesRegistry: true, registered: 3, leaseAlive: true });

    const hello = await registry.instances('HelloService');
    expect(hello.map((i) => [i.version, i.weight, i.tags]).sort()).toEqual([['1.0.0', 2, ['blue']], ['2.0.0', 1, []]]);
    for (const instance of [...hello, ...(await registry.instances('StockService'))]) {
      expect(instance).toMatchObject({ host: '127.0.0.1', port, protocolVersion: PROTOCOL_VERSION, serializers: ref.get(RpcServer).serializers.names() });
      expect(instance.id).toMatch(/^[A-Za-z0-9_.-]+$/);
    }
    expect(hello.find((i) => i.version === '1.0.0')!.metadata).toEqual({ zone: 'z1', methods: 'sayHello' });
    expect(new Set(host.instances.map((i) => i.id)).size).toBe(3);
  });

  it('serves each version under one pattern: the addressed one, else the newest', async () => {
    const ref = await compile({});
    await ref.init();
    await expect(call('HelloService.sayHello', ['ann'])).resolves.toBe('v2 ann');
    await expect(call('StockService.count', [])).resolves.toBe(3);
    await expect(call('HelloService._internal', [])).rejects.toBeInstanceOf(UnknownPatternError);
  });

  it('takes weights from configuration: Service@version over Service over the decorator', async () => {
    const ref = await compile({ registry: { use: registry }, deregisterGraceMs: 0, weights: { HelloService: 5, 'HelloService@2.0.0': 7 } });
    await ref.init();
    const weights = Object.fromEntries((await registry.instances('HelloService')).map((i) => [i.version, i.weight]));
    expect(weights).toEqual({ '1.0.0': 5, '2.0.0': 7 });
    expect((await registry.instances('StockService'))[0].weight).toBe(1);
  });

  it('advertises advertise.host and advertise.port instead of the bound address', async () => {
    const ref = await compile({ registry: { use: registry }, deregisterGraceMs: 0, advertise: { host: 'rpc.example.internal', port: 9999 } }, [Stock]);
    await ref.init();
    expect(await registry.instances('StockService')).toEqual([expect.objectContaining({ host: 'rpc.example.internal', port: 9999 })]);
  });

  it.each([
    ['a registration etcd refuses', { failRegistrationOf: 'StockService' }, {}, /etcd said no to StockService/],
    ['a configured weight below 0', {}, { weights: { StockService: -1 } }, /Weight of StockService@1\.0\.0 must be ≥ 0, got -1/],
  ])('start-up fails on %s, withdrawing what it registered and closing the server', async (_, registryPatch, options, message) => {
    Object.assign(registry, registryPatch);
    const ref = await compile({ registry: { use: registry }, deregisterGraceMs: 0, ...options }, [HelloV1, Stock]);
    await expect(ref.init()).rejects.toThrow(message);
    moduleRef = undefined; // Nest's close() would rethrow the start-up error; the host already released everything
    expect(await registry.instances('HelloService')).toEqual([]);
    expect(ref.get(RpcServerLifecycle).instances).toEqual([]);
    expect(() => ref.get(RpcServer).address()).toThrow('RpcServer is not listening');
    // A registry passed with `use` is the app's: left open.
    await expect(registry.register({ id: 'x', service: 'Other', version: '1.0.0', host: 'h', port: 1 })).resolves.toBeDefined();
  });

  it('on shutdown: says it is stopping at once, deregisters, waits the grace period, then drains', async () => {
    const graceMs = 300;
    const ref = await compile({ registry: { use: registry }, deregisterGraceMs: graceMs }, [Stock]);
    await ref.init();
    const host = ref.get(RpcServerLifecycle);
    const server = ref.get(RpcServer);
    let drainedAt = 0;
    const drain = server.drain.bind(server);
    jest.spyOn(server, 'drain').mockImplementation((timeoutMs?: number) => {
      drainedAt = Date.now();
      return drain(timeoutMs);
    });

    const stopping = host.beforeApplicationShutdown();
    expect(host.health().stopping).toBe(true); // before any await: readiness turns false first
    await Promise.all([stopping, host.beforeApplicationShutdown()]); // a second call joins the first stop
    expect(server.drain).toHaveBeenCalledTimes(1);
    expect(registry.events.filter((e) => e.what === 'deregister')).toHaveLength(1);

    const deregisteredAt = registry.events.find((e) => e.what === 'deregister')!.at;
    expect(drainedAt - deregisteredAt).toBeGreaterThanOrEqual(graceMs - 2); // timers may fire up to 1 ms early
    expect(await registry.instances('StockService')).toEqual([]);
    expect(host.health()).toMatchObject({ listening: false, stopping: true, registered: 0 });
  });

  it('without a registry it only serves: nothing registered, no lease to report', async () => {
    const ref = await compile({});
    await ref.init();
    expect(ref.get(RpcServerLifecycle).health()).toEqual({ listening: true, stopping: false, usesRegistry: false, registered: 0, leaseAlive: false });
    expect(ref.get(RpcServerLifecycle).instances).toEqual([]);
  });

  it('serves the app\'s @MessagePattern handlers too, unless exposeMessagePatterns is false', async () => {
    let ref = await compile({}, [], [Plain]);
    await ref.init();
    await expect(call('ping', [])).resolves.toBe('pong');
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await ref.close();

    ref = await compile({ exposeMessagePatterns: false }, [], [Plain]);
    await ref.init();
    await expect(call('ping', [])).rejects.toBeInstanceOf(UnknownPatternError);
  });

  it('passes transport options to the RpcServer it creates, and listen.host / listen.port', async () => {
    const ref = await compile({ listen: { host: '127.0.0.1', port: 0 }, transport: { maxConnections: 7 } }, [Stock]);
    await ref.init();
    const server = ref.get(RpcServer);
    expect(server.address().port).toBeGreaterThan(0);
    expect((server as unknown as { options: { maxConnections?: number; host?: string } }).options).toMatchObject({ maxConnections: 7, host: '127.0.0.1', port: 0 });
  });
});
