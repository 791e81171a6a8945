import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import { methodPattern, NON_REMOTE_PROPERTIES } from '@nestrpc/transport';
import { RPC_SERVICE_METADATA } from '../constants';
import { Arg } from '../decorators/arg.decorator';
import { RpcServiceMetadata } from '../decorators/rpc-service.decorator';
import { CONTEXT_PARAM_TYPE, EVENT_HANDLER_TYPE, PATTERN_HANDLER_METADATA, PAYLOAD_PARAM_TYPE, PATTERN_METADATA, ROUTE_ARGS_METADATA, TRANSPORT_METADATA } from './nest-metadata';
import { rpcContextCreator } from './rpc-context-creator';
import { RpcParamsFactory } from './rpc-params.factory';
import { ContextualHandler, VersionedHandler } from './versioned-handler';

export interface ExposedService extends RpcServiceMetadata {
  methods: string[];
}

export interface PatternHandler {
  pattern: unknown;
  handler: ContextualHandler;
  isEvent: boolean;
}

type Instance = Record<string, unknown> & object;
/** Nest's InstanceWrapper, named through the public DiscoveryService (its own path is internal). */
type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/**
 * Finds what the app serves: `@RpcService` providers (one handler per method, routed by
 * version) and plain `@MessagePattern`/`@EventPattern` controller methods. Every handler runs
 * through Nest's guards, interceptors, pipes and exception filters (ExternalContextCreator,
 * as Nest's own listeners do).
 */
@Injectable()
export class RpcHandlerExplorer {
  private readonly logger = new Logger('RpcServerModule');
  private readonly paramsFactory = new RpcParamsFactory();
  private readonly contextCreator: ExternalContextCreator;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    contextCreator: ExternalContextCreator,
  ) {
    this.contextCreator = rpcContextCreator(contextCreator);
  }

  exploreServices(): { services: ExposedService[]; handlers: VersionedHandler[] } {
    const services: ExposedService[] = [];
    const handlers = new Map<string, VersionedHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const meta = this.serviceMetadata(wrapper);
      if (meta === undefined) continue;
      const instance = wrapper.instance as Instance;
      const methods = this.remoteMethods(instance);
      for (const method of methods) {
        const pattern = methodPattern(meta.service, method);
        const versioned = handlers.get(pattern) ?? new VersionedHandler(pattern);
        handlers.set(pattern, versioned);
        versioned.add(meta.version, this.createHandler(instance, method, true));
      }
      services.push({ ...meta, methods });
      // No weight here: configuration may override it; the registration log shows the real one.
      this.logger.log(`${meta.service}@${meta.version}: ${methods.join(', ')}`);
    }
    return { services, handlers: [...handlers.values()] };
  }

  exploreMessagePatterns(): PatternHandler[] {
    const found: PatternHandler[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Instance | undefined;
      if (!instance || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const callback = instance[method] as object;
        const patterns = Reflect.getMetadata(PATTERN_METADATA, callback) as unknown[] | undefined;
        if (patterns === undefined || Reflect.getMetadata(TRANSPORT_METADATA, callback) !== undefined) continue;
        const isEvent = Reflect.getMetadata(PATTERN_HANDLER_METADATA, callback) === EVENT_HANDLER_TYPE;
        const handler = this.createHandler(instance, method, false);
        for (const pattern of Array.isArray(patterns) ? patterns : [patterns]) found.push({ pattern, handler, isEvent });
      }
    }
    return found;
  }

  private serviceMetadata(wrapper: InstanceWrapper): RpcServiceMetadata | undefined {
    const type = wrapper.metatype as Function | null | undefined;
    if (!type || !wrapper.instance || typeof type !== 'function') return undefined;
    const meta = Reflect.getMetadata(RPC_SERVICE_METADATA, type) as RpcServiceMetadata | undefined;
    if (meta !== undefined && !wrapper.isDependencyTreeStatic()) {
      throw new Error(`@RpcService ${type.name} must be a singleton (request-scoped RPC services are not supported)`);
    }
    return meta;
  }

  private remoteMethods(instance: Instance): string[] {
    const prototype = Object.getPrototypeOf(instance) as object;
    return this.scanner
      .getAllMethodNames(prototype)
      .filter((name) => !name.startsWith('_') && !NON_REMOTE_PROPERTIES.has(name) && typeof instance[name] === 'function');
  }

  private createHandler(instance: Instance, method: string, positional: boolean): ContextualHandler {
    const callback = instance[method] as (...args: unknown[]) => unknown;
    if (positional) this.bindPositionalArgs(instance, method, callback);
    return this.contextCreator.create(
      instance,
      callback,
      method,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: true },
      'rpc',
    ) as ContextualHandler;
  }

  /**
   * Gives undecorated parameters `@Arg(i)`, so the method is called with the caller's
   * arguments. Parameters decorated with `@Ctx()` or `@Payload()` take no argument slot:
   * `sayHello(name, @Ctx() ctx)` and `sayHello(@Ctx() ctx, name)` both get `name` = argument 0.
   */
  private bindPositionalArgs(instance: Instance, method: string, callback: (...args: unknown[]) => unknown): void {
    const prototype = Object.getPrototypeOf(instance) as object;
    const declared = (Reflect.getMetadata(ROUTE_ARGS_METADATA, instance.constructor, method) as Record<string, { index: number }> | undefined) ?? {};
    const decorated = new Map<number, boolean>(); // param index → takes an argument slot
    for (const [key, value] of Object.entries(declared)) {
      const type = key.split(':')[0];
      decorated.set(value.index, type !== String(CONTEXT_PARAM_TYPE) && type !== String(PAYLOAD_PARAM_TYPE));
    }
    const types = (Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined) ?? [];
    const count = Math.max(callback.length, types.length, ...[...decorated.keys()].map((i) => i + 1));
    let skipped = 0;
    for (let index = 0; index < count; index++) {
      const takesSlot = decorated.get(index);
      if (takesSlot === false) skipped++;
      else if (takesSlot === undefined) Arg(index - skipped)(prototype, method, index);
    }
  }
}
