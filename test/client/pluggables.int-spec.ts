import { MessageHandler } from '@nestjs/microservices';
import { ClusterCall, ClusterInvoker, ClusterStrategy, RpcClusterClient, clusterStrategies } from '@nestrpc/client';
import { LoadBalancer, PickContext, ServiceInstance, StaticRegistry, balancers } from '@nestrpc/discovery';
import { FIRST_CUSTOM_SERIALIZER_ID, RpcServer, Serializer, serializers } from '@nestrpc/transport';
import { firstValueFrom, Observable } from 'rxjs';

/** JSON under its own name and wire id, counting what it encodes. */
class CountingJsonSerializer extends Serializer {
  static encoded = 0;
  readonly id: number = FIRST_CUSTOM_SERIALIZER_ID + 1;
  readonly name = 'counting-json';
  serialize(value: unknown): Uint8Array {
    CountingJsonSerializer.encoded++;
    return Buffer.from(JSON.stringify(value), 'utf8');
  }
  deserialize(body: Buffer): unknown {
    return JSON.parse(body.toString('utf8'));
  }
}

/** Picks the first candidate; declares that it routes by key, under a name that says nothing of hashing. */
class RecordingBalancer extends LoadBalancer {
  static keys: (string | undefined)[] = [];
  readonly name: string = 'recording';
  override readonly requiresRoutingKey: boolean = true;
  override pick(candidates: readonly ServiceInstance[], ctx: PickContext = {}): ServiceInstance | undefined {
    RecordingBalancer.keys.push(ctx.key);
    return super.pick(candidates, ctx);
  }
  protected choose(candidates: readonly ServiceInstance[]): ServiceInstance {
    return candidates[0];
  }
}

/** One attempt, counted; records that its client closed it. */
class CountingStrategy implements ClusterStrategy {
  static calls = 0;
  static closed = 0;
  readonly name = 'counting';
  invoke(invoker: ClusterInvoker, call: ClusterCall): Observable<unknown> {
    CountingStrategy.calls++;
    return invoker.attempt(invoker.pick(call), call);
  }
  close(): void {
    CountingStrategy.closed++;
  }
}

describe('custom serializer, balancer and cluster strategy registered by name', () => {
  let server: RpcServer;
  let registry: StaticRegistry;
  let client: RpcClusterClient | undefined;

  beforeAll(() => {
    serializers.register('counting-json', CountingJsonSerializer);
    balancers.register('recording', RecordingBalancer);
    clusterStrategies.register('counting', CountingStrategy);
  });

  beforeEach(async () => {
    // The server understands the custom serializer by the name alone.
    server = new RpcServer({ host: '127.0.0.1', port: 0, serializers: ['json', 'counting-json'] });
    server.addHandler('Echo.say', (async (args: unknown[]) => `echo ${String(args[0])}`) as MessageHandler, false);
    await new Promise<void>((resolve, reject) => server.listen((err?: unknown) => (err ? reject(err) : resolve())));
    registry = new StaticRegistry();
    await registry.register({ id: 'e1', service: 'Echo', version: '1.0.0', host: '127.0.0.1', port: server.address().port, weight: 1, serializers: server.serializers.names() });
    RecordingBalancer.keys = [];
    CountingStrategy.calls = 0;
    CountingStrategy.closed = 0;
    CountingJsonSerializer.encoded = 0;
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.close();
    await registry.close();
  });

  it('calls through all three, and derives a routing key because the balancer declares it needs one', async () => {
    client = new RpcClusterClient({
      service: 'Echo',
      registry: { use: registry },
      balancer: 'recording',
      cluster: 'counting',
      transport: { serializer: 'counting-json' },
    });
    await expect(firstValueFrom(client.invoke('Echo.say', ['alice'], 'say'))).resolves.toBe('echo alice');
    await expect(firstValueFrom(client.invoke('Echo.say', ['bob'], 'say'))).resolves.toBe('echo bob');
    expect(CountingStrategy.calls).toBe(2);
    expect(RecordingBalancer.keys).toEqual(['alice', 'bob']);
    // Request and response both went through the custom serializer (client and server share this process).
    expect(CountingJsonSerializer.encoded).toBeGreaterThanOrEqual(4);
    await client.close();
    expect(CountingStrategy.closed).toBe(1);
    client = undefined;
  });

  it('takes classes and instances as well as names; a user-given instance is not closed by the client', async () => {
    const strategy = new CountingStrategy();
    client = new RpcClusterClient({ service: 'Echo', registry: { use: registry }, balancer: RecordingBalancer, cluster: strategy, methods: { say: { cluster: CountingStrategy } } });
    await expect(firstValueFrom(client.invoke('Echo.say', ['carol'], 'say'))).resolves.toBe('echo carol');
    await expect(firstValueFrom(client.invoke('Echo.say', ['dave'], 'other'))).resolves.toBe('echo dave');
    expect(CountingStrategy.calls).toBe(2);
    await client.close();
    client = undefined;
    // The class given for `say` was built by the client and closed with it; the instance was not.
    expect(CountingStrategy.closed).toBe(1);
  });

  it('a balancer that does not declare a routing key gets none, whatever its name', async () => {
    class NamedLikeHashing extends RecordingBalancer {
      override readonly name = 'consistent-hash';
      override readonly requiresRoutingKey = false;
    }
    client = new RpcClusterClient({ service: 'Echo', registry: { use: registry }, balancer: NamedLikeHashing });
    await expect(firstValueFrom(client.invoke('Echo.say', ['erin'], 'say'))).resolves.toBe('echo erin');
    expect(RecordingBalancer.keys).toEqual([undefined]);
  });

  it('fails fast on an unknown strategy name, naming the registered ones', () => {
    expect(() => new RpcClusterClient({ service: 'Echo', registry: { use: registry }, cluster: 'nope' })).toThrow(/Unknown cluster strategy "nope"; known: failover, .*counting/);
  });
});
