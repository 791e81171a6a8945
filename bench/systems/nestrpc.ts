import { isDeepStrictEqual } from 'util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { firstValueFrom, lastValueFrom, count } from 'rxjs';
import { timingSafeEqual } from 'crypto';
import { installRpcInstrumentation, RpcServer, RpcServerAuthOptions, RpcServerLimits, RpcServerOptions, SerializerRegistry } from '@nestrpc/transport';
import { BenchModule } from '../nest/bench.controller';
import { buildPayload, PAYLOAD_SIZES } from '../lib/payloads';
import { BenchClient, BenchSystem, ClientOptions, ServerHandle } from './types';
import { PromiseRpcClient } from './promise-rpc-client';

export type NestrpcSerializerName = 'json' | 'msgpack' | 'protobuf';

export interface NestrpcVariant {
  /** false turns heartbeats off on both ends (0 interval), to show what liveness costs. */
  heartbeats?: boolean;
  /**
   * Installs nestrpc instrumentation in both processes, with no OpenTelemetry SDK registered
   * (the API's no-op): `tracing` alone is what the hooks cost an app that has not set up tracing,
   * `metrics` alone what Prometheus metrics cost, `true` both (what RpcObservabilityModule installs).
   */
  instrumented?: boolean | 'tracing' | 'metrics';
  /**
   * true turns every server overload limit on (global and per-pattern concurrency, per-pattern
   * and per-caller token buckets) with bounds the load never reaches: what the limiter costs on
   * the call path when nothing is refused.
   */
  limits?: boolean;
  /**
   * true turns token authentication on: the client sends a credential at connection start and
   * the server's verifier checks it (constant-time compare) before any call. It runs once per
   * connection, so per call it should cost nothing.
   */
  authenticated?: boolean;
  /**
   * Puts back, in both processes, what 0.1 did, to show what the current code gains:
   * `turn-end-flush` writes a turn's frames together at its end (or at 64 frames / 32 KiB)
   * instead of FlushSchedule's early writes; `copied-body` makes msgpack serialize into its own
   * buffer and copies the body into the frame, instead of serializing into the frame itself;
   * `no-arena` packs msgpack frames into msgpackr's own buffers (fresh memory every ~200 KiB), as
   * before the frame arena, instead of arena memory reused once the socket is done with it.
   */
  before?: 'turn-end-flush' | 'copied-body' | 'no-arena';
  /**
   * true serves BenchModule with RpcServer as a Nest microservice strategy
   * (`NestFactory.createMicroservice`): Nest's own listeners and handler pipeline (seven async
   * steps per call even with no enhancer), instead of the server starter, whose handlers call an
   * enhancer-free method directly. Shows what that saves.
   */
  microservice?: boolean;
  /**
   * true replaces the handler for `echo` with a bare function registered on the RpcServer
   * (`addHandler`, after the app has registered its own): no guards, interceptors, pipes, filters
   * or parameter decorators run. Not how an app is served: it isolates the transport.
   */
  bareHandler?: boolean;
  /**
   * true makes each call through `publish()` (what ClientProxy.send() subscribes to) with a
   * Promise around its callback, instead of `firstValueFrom(client.send())`: no Observable,
   * subscriber or teardown per call. With bareHandler, what remains is the transport alone.
   */
  bareClient?: boolean;
}

/** Limits that are all checked on every call and never refuse one at bench loads. */
const UNREACHED_LIMITS: RpcServerLimits = {
  maxConcurrentCalls: 1_000_000,
  perCaller: { perSecond: 1e9, burst: 1e9 },
  methods: Object.fromEntries(['echo', 'stream'].map((pattern) => [pattern, { maxConcurrent: 1_000_000, rate: { perSecond: 1e9, burst: 1e9 }, perCaller: { perSecond: 1e9, burst: 1e9 } }])),
};

/** The bench's token and its claims: what a real verifier would look up or decode. */
const BENCH_TOKEN = 'bench-token-0123456789abcdef';
const BENCH_AUTH: RpcServerAuthOptions = {
  verifyToken: ({ credential }) => {
    const given = Buffer.from(credential ?? '');
    const expected = Buffer.from(BENCH_TOKEN);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { sub: 'bench' } : false;
  },
};

/**
 * Our transport, point to point: BenchModule served by the server starter (RpcServerModule, no
 * registry), as an app using @nestrpc/server is, and one RpcClient.
 */
export function nestrpcSystem(serializer: NestrpcSerializerName, variant: NestrpcVariant = {}): BenchSystem {
  const heartbeatIntervalMs = variant.heartbeats === false ? 0 : undefined;
  const instrumented = variant.instrumented;
  let ready = instrumented === undefined || instrumented === false ? async () => undefined : () => instrument(instrumented === true || instrumented === 'tracing', instrumented === true || instrumented === 'metrics');
  const auth = variant.authenticated === true;
  if (variant.before !== undefined) {
    const previous = ready;
    const restore = variant.before === 'turn-end-flush' ? restoreTurnEndFlush : variant.before === 'copied-body' ? restoreCopiedBody : restoreNoArena;
    ready = async () => (await restore(), previous());
  }
  return {
    probe: () => probeSerializer(serializer),
    startServer: async () => (await ready(), startServer({ heartbeatIntervalMs, limits: variant.limits === true ? UNREACHED_LIMITS : undefined, auth: auth ? BENCH_AUTH : undefined }, variant.microservice === true, variant.bareHandler === true)),
    createClient: async (options) => (await ready(), createClient(options, serializer, heartbeatIntervalMs, auth, variant.bareClient === true)),
  };
}

async function startServer(transport: Omit<RpcServerOptions, 'host' | 'port'>, microservice: boolean, bareHandler: boolean): Promise<ServerHandle> {
  const served = microservice ? await asMicroservice(transport) : await withStarter(transport);
  // The app registered its handlers while starting; this one takes the pattern over (same map entry).
  if (bareHandler) served.server.addHandler('echo', async (payload: unknown) => payload, false);
  return { port: served.server.address().port, close: served.close };
}

async function withStarter(transport: Omit<RpcServerOptions, 'host' | 'port'>): Promise<{ server: RpcServer; close: () => Promise<void> }> {
  const { RpcServerModule } = await import('@nestrpc/server');
  const app = await NestFactory.createApplicationContext({ module: StarterBenchModule, imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 }, transport }), BenchModule] }, { logger: false });
  return { server: app.get(RpcServer), close: () => app.close() };
}

async function asMicroservice(transport: Omit<RpcServerOptions, 'host' | 'port'>): Promise<{ server: RpcServer; close: () => Promise<void> }> {
  const server = new RpcServer({ host: '127.0.0.1', port: 0, ...transport });
  const app = await NestFactory.createMicroservice(BenchModule, { strategy: server, logger: false });
  await app.listen();
  return { server, close: () => app.close() };
}

/** The root of the starter-served bench app (its imports are given per start). */
@Module({})
class StarterBenchModule {}

async function createClient({ host, ports }: ClientOptions, serializer: NestrpcSerializerName, heartbeatIntervalMs: number | undefined, auth: boolean, bareClient: boolean): Promise<BenchClient> {
  const client = new PromiseRpcClient({ host, port: ports[0], serializer, heartbeatIntervalMs, credentials: auth ? BENCH_TOKEN : undefined });
  await client.connect();
  return {
    call: bareClient ? (payload) => client.request('echo', payload) : (payload) => firstValueFrom(client.send('echo', payload)),
    stream: (values) => lastValueFrom(client.send('stream', values).pipe(count())),
    close: () => client.close(),
  };
}

/** The serializer must round-trip every payload unchanged, or the system is reported n/a. */
function probeSerializer(name: NestrpcSerializerName): string | undefined {
  try {
    const serializer = new SerializerRegistry([name]).use(name);
    for (const size of PAYLOAD_SIZES) {
      const payload = buildPayload(size);
      const context = { pattern: 'echo', kind: 'request' as const };
      const back = serializer.deserialize(Buffer.from(serializer.serialize(payload, context)), context);
      if (!isDeepStrictEqual(back, payload)) return `${name} serializer does not round-trip the ${size} payload unchanged`;
    }
    return undefined;
  } catch (err) {
    return `${name} serializer failed: ${(err as Error).message}`;
  }
}

/** 0.1's flush policy: nothing leaves before the end of the turn unless 64 frames or 32 KiB are queued. */
async function restoreTurnEndFlush(): Promise<void> {
  const { FlushSchedule } = await import('@nestrpc/transport/connection/flush-schedule');
  const { EARLY_FLUSH_BYTES, EARLY_FLUSH_FRAMES } = await import('@nestrpc/transport/connection/constants');
  FlushSchedule.prototype.isDue = (frames: number, bytes: number) => frames >= EARLY_FLUSH_FRAMES || bytes >= EARLY_FLUSH_BYTES;
}

/** 0.1's msgpack framing: the serializer's output copied into a separately allocated frame. */
async function restoreCopiedBody(): Promise<void> {
  const { MsgpackSerializer } = await import('@nestrpc/transport');
  Object.defineProperty(MsgpackSerializer.prototype, 'serializeWithHeadroom', { value: undefined, configurable: true });
}

/** Frames without the frame arena: the arena never has a region, so msgpack packs into msgpackr's own buffers. */
async function restoreNoArena(): Promise<void> {
  const { FrameArena } = await import('@nestrpc/transport/connection/frame-arena');
  FrameArena.prototype.region = () => undefined;
}

/** Tracing (API only, no SDK) and/or Prometheus metrics, as RpcObservabilityModule installs them; once per process. */
let installed: Promise<void> | undefined;
function instrument(tracing: boolean, metrics: boolean): Promise<void> {
  // Loaded only by these variants (and only its files, not the Nest/terminus parts of the package).
  installed ??= (async () => {
    if (tracing) {
      const { createRpcTracing } = await import('@nestrpc/observability/tracing/rpc-tracing');
      installRpcInstrumentation(createRpcTracing());
    }
    if (metrics) {
      const { RpcMetrics } = await import('@nestrpc/observability/metrics/rpc-metrics');
      const { Registry } = await import('prom-client');
      installRpcInstrumentation(new RpcMetrics({ registry: new Registry() }));
    }
  })();
  return installed;
}
