import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RpcClusterManager } from '@nestrpc/client';
import type { WatchState } from '@nestrpc/discovery';
import { installRpcInstrumentation } from '@nestrpc/transport';
import { findOptional } from './health/find-optional';
import { collectDefaultMetrics } from 'prom-client';
import { acquireRpcMetrics } from './metrics/shared-metrics';
import { metricsControllerFor } from './metrics/metrics.controller';
import { RpcMetrics, RpcMetricsOptions } from './metrics/rpc-metrics';
import { createRpcTracing, RpcTracingOptions } from './tracing/rpc-tracing';

export interface RpcMetricsModuleOptions extends RpcMetricsOptions {
  /** HTTP path of the scrape endpoint; `false` serves none (you expose `registry` yourself). Default 'metrics'. */
  path?: string | false;
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag). Default false. */
  defaultMetrics?: boolean;
}

export interface RpcObservabilityOptions {
  /** Spans for every call (OpenTelemetry API; the app registers the SDK). Default true. */
  tracing?: boolean | RpcTracingOptions;
  /** Prometheus metrics and a `/metrics` endpoint. Default true. */
  metrics?: boolean | RpcMetricsModuleOptions;
}

const OPTIONS = Symbol('RPC_OBSERVABILITY_OPTIONS');
const RELEASES = Symbol('RPC_OBSERVABILITY_RELEASES');

/**
 * Tracing and metrics for every nestrpc server and client in the app: installs the
 * instrumentation when the module starts and removes it on shutdown.
 *
 * ```ts
 * @Module({ imports: [RpcObservabilityModule.forRoot({ metrics: { path: 'metrics' } })] })
 * ```
 */
@Module({})
export class RpcObservabilityModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: RpcObservabilityOptions,
    @Inject(RELEASES) private readonly releases: Array<() => void>,
    private readonly moduleRef: ModuleRef,
  ) {}

  static forRoot(options: RpcObservabilityOptions = {}): DynamicModule {
    const metrics = options.metrics === false ? undefined : options.metrics === true || options.metrics === undefined ? {} : options.metrics;
    const releases: Array<() => void> = [];
    const providers: Provider[] = [
      { provide: OPTIONS, useValue: options },
      { provide: RELEASES, useValue: releases },
    ];
    if (metrics !== undefined) {
      providers.push({
        provide: RpcMetrics,
        // Created at provider time, so calls made while other modules start are counted too.
        useFactory: () => {
          const { metrics: shared, release } = acquireRpcMetrics(metrics);
          releases.push(release);
          if (metrics.defaultMetrics === true) collectDefaultMetrics({ register: shared.registry });
          return shared;
        },
      });
    }
    const path = metrics?.path ?? 'metrics';
    return {
      module: RpcObservabilityModule,
      global: true,
      providers,
      controllers: metrics !== undefined && path !== false ? [metricsControllerFor(path)] : [],
      exports: metrics !== undefined ? [RpcMetrics] : [],
    };
  }

  onModuleInit(): void {
    const tracing = this.options.tracing;
    if (tracing !== false) this.releases.push(installRpcInstrumentation(createRpcTracing(tracing === true || tracing === undefined ? {} : tracing)));
    const metrics = findOptional(this.moduleRef, RpcMetrics);
    const clients = findOptional(this.moduleRef, RpcClusterManager);
    if (metrics !== undefined && clients !== undefined) this.releases.push(metrics.watchRegistry(() => watchStatesOf(clients)));
  }

  onApplicationShutdown(): void {
    for (const release of this.releases.splice(0)) release();
  }
}

/** The registry watch state of every contract the app's RpcClientModule calls (registries without one, e.g. static, report none). */
function* watchStatesOf(clients: RpcClusterManager): Iterable<readonly [string, WatchState]> {
  for (const client of clients.clients()) {
    const state = client.registryHealth()?.watches[client.service];
    if (state !== undefined) yield [client.service, state];
  }
}
