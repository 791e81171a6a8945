import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createRegistry, ServiceInstance, ServiceRegistry } from '@nestrpc/discovery';
import { PROTOCOL_VERSION, RpcServer } from '@nestrpc/transport';
import { randomBytes } from 'crypto';
import { hostname } from 'os';
import { setTimeout as sleep } from 'timers/promises';
import { DEFAULT_DEREGISTER_GRACE_MS } from './constants';
import { ExposedService, RpcHandlerExplorer } from './explorer/rpc-handler.explorer';
import { RpcServerModuleOptions } from './interfaces/rpc-server-module.options';
import { describeAdvertisedHost, resolveAdvertisedHost } from './advertised-host';
import { RPC_SERVER_MODULE_OPTIONS } from './rpc-server.module-definition';

/**
 * Owns the server's lifecycle in the Nest app: on bootstrap it wires every handler, listens,
 * then registers each service version; on shutdown it deregisters, waits for consumers to
 * notice, drains in-flight calls and closes.
 */
@Injectable()
export class RpcServerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RpcServerModule');
  private readonly registry: ServiceRegistry | undefined;
  private readonly ownsRegistry: boolean;
  private registered: ServiceInstance[] = [];
  private stopped: Promise<void> | undefined;
  private listening = false;
  /** Set synchronously as stop() begins (`stopped` is assigned only after stop() first awaits). */
  private stopping = false;

  constructor(
    @Inject(RPC_SERVER_MODULE_OPTIONS) private readonly options: RpcServerModuleOptions,
    private readonly server: RpcServer,
    private readonly explorer: RpcHandlerExplorer,
  ) {
    const created = options.registry === undefined ? undefined : createRegistry(options.registry, options.namespace);
    this.registry = created?.registry;
    this.ownsRegistry = created?.owned ?? false;
  }

  /**
   * What a readiness check needs: `stopping` turns true the moment shutdown begins, before
   * deregistering, so an orchestrator stops routing while consumers still find the instance.
   */
  health(): RpcServerHealth {
    const registry = this.registry?.health?.();
    return {
      listening: this.listening,
      stopping: this.stopping || this.server.isDraining(),
      usesRegistry: this.registry !== undefined,
      registered: this.registered.length,
      leaseAlive: registry?.leaseAlive ?? this.registry !== undefined,
    };
  }

  /** The registered instances (empty without a registry). */
  get instances(): readonly ServiceInstance[] {
    return this.registered;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { services, handlers } = this.explorer.exploreServices();
    for (const handler of handlers) this.server.addHandler(handler.pattern, handler.handle, false);
    if (this.options.exposeMessagePatterns !== false) {
      for (const { pattern, handler, isEvent } of this.explorer.exploreMessagePatterns()) this.server.addHandler(pattern, handler, isEvent);
    }
    await new Promise<void>((resolve, reject) => this.server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    this.listening = true;
    if (this.registry === undefined) return;
    try {
      await this.register(services);
    } catch (err) {
      // Nest aborts start-up on this error without calling shutdown hooks: release what we hold.
      this.logger.error(`Registration failed, stopping the RPC server: ${(err as Error).message}`);
      await Promise.allSettled(this.registered.map((instance) => this.registry!.deregister(instance.id)));
      this.registered = [];
      await this.server.close();
      if (this.ownsRegistry) await this.registry.close();
      throw err;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  private async register(services: ExposedService[]): Promise<void> {
    const bound = this.server.address();
    const advertised = resolveAdvertisedHost(this.options.advertise?.host, this.options.listen?.host ?? bound.host);
    const host = advertised.host;
    const port = this.options.advertise?.port ?? bound.port;
    const line = describeAdvertisedHost(advertised, bound, port);
    if (advertised.source === 'interface' || advertised.source === 'loopback') this.logger.warn(line);
    else this.logger.log(line);
    const serializers = this.server.serializers.names();
    const suffix = randomBytes(3).toString('hex');
    for (const service of services) {
      const instance: ServiceInstance = {
        id: `${hostname()}-${process.pid}-${port}-${service.service}-${service.version}-${suffix}`.replace(/[^A-Za-z0-9_.-]/g, '_'),
        service: service.service,
        version: service.version,
        host,
        port,
        weight: this.weightOf(service),
        serializers,
        protocolVersion: PROTOCOL_VERSION,
        tags: service.tags,
        metadata: { ...this.options.metadata, methods: service.methods.join(',') },
        startedAt: Date.now(),
      };
      await this.registry!.register(instance);
      this.registered.push(instance);
      this.logger.log(`Registered ${instance.service}@${instance.version} at ${host}:${port} (weight ${instance.weight})`);
    }
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    const registry = this.registry;
    if (registry !== undefined && this.registered.length > 0) {
      await Promise.allSettled(this.registered.map((instance) => registry.deregister(instance.id)));
      this.logger.log(`Deregistered ${this.registered.length} instance(s); draining after ${this.graceMs} ms`);
      this.registered = [];
      if (this.graceMs > 0) await sleep(this.graceMs);
    }
    // drain(), not close(): close() is Nest's prompt stop and cuts in-flight calls at once.
    await this.server.drain();
    this.listening = false;
    if (registry !== undefined && this.ownsRegistry) await registry.close();
  }

  private weightOf(service: ExposedService): number {
    const weights = this.options.weights ?? {};
    const weight = weights[`${service.service}@${service.version}`] ?? weights[service.service] ?? service.weight;
    if (!Number.isFinite(weight) || weight < 0) throw new TypeError(`Weight of ${service.service}@${service.version} must be ≥ 0, got ${weight}`);
    return weight;
  }

  private get graceMs(): number {
    return this.options.deregisterGraceMs ?? DEFAULT_DEREGISTER_GRACE_MS;
  }
}

/** RpcServerHost.health(): the facts a terminus indicator turns into up/down. */
export interface RpcServerHealth {
  readonly listening: boolean;
  /** Shutdown has begun (deregistering, grace, drain). */
  readonly stopping: boolean;
  readonly usesRegistry: boolean;
  /** Instances registered now (one per service version). */
  readonly registered: number;
  readonly leaseAlive: boolean;
}
