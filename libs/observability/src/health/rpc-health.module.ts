import { Controller, DynamicModule, Get, Inject, Module, Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { findOptional } from './find-optional';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorFunction, TerminusModule } from '@nestjs/terminus';
import { RpcClusterManager } from '@nestrpc/client';
import { RpcServerLifecycle } from '@nestrpc/server';
import { RpcClientHealthIndicator, RpcClientHealthOptions } from './rpc-client.health';
import { RpcServerHealthIndicator } from './rpc-server.health';

export interface RpcHealthModuleOptions {
  /** Path of the readiness endpoint (`<path>/live` is liveness); `false` serves none (use the indicators in your own). Default 'health'. */
  path?: string | false;
  /** Options of the client indicator. */
  clients?: RpcClientHealthOptions;
}

const OPTIONS = Symbol('RPC_HEALTH_OPTIONS');

/** Readiness checks whichever of the two this app has: its RPC server, its declared contracts. */
function healthControllerFor(path: string): Type<unknown> {
  @Controller(path)
  class RpcHealthController {
    constructor(
      private readonly health: HealthCheckService,
      private readonly server: RpcServerHealthIndicator,
      private readonly clients: RpcClientHealthIndicator,
      @Inject(OPTIONS) private readonly options: RpcHealthModuleOptions,
      private readonly moduleRef: ModuleRef,
    ) {}

    @Get()
    @HealthCheck()
    readiness(): Promise<HealthCheckResult> {
      const checks: HealthIndicatorFunction[] = [];
      if (findOptional(this.moduleRef, RpcServerLifecycle) !== undefined) checks.push(() => this.server.isHealthy());
      if (findOptional(this.moduleRef, RpcClusterManager) !== undefined) checks.push(() => this.clients.isHealthy('rpc-clients', this.options.clients));
      return this.health.check(checks);
    }

    /** Liveness: the process answers HTTP. Never depends on etcd or providers (a restart would not fix them). */
    @Get('live')
    @HealthCheck()
    liveness(): Promise<HealthCheckResult> {
      return this.health.check([]);
    }
  }
  return RpcHealthController;
}

/**
 * `/health` (readiness) and `/health/live` with terminus, from the RPC server and client
 * indicators; the indicators are exported for apps that compose their own health endpoint.
 */
@Module({})
export class RpcHealthModule {
  static forRoot(options: RpcHealthModuleOptions = {}): DynamicModule {
    const path = options.path ?? 'health';
    return {
      module: RpcHealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [{ provide: OPTIONS, useValue: options }, RpcServerHealthIndicator, RpcClientHealthIndicator],
      controllers: path === false ? [] : [healthControllerFor(path)],
      exports: [RpcServerHealthIndicator, RpcClientHealthIndicator],
    };
  }
}
