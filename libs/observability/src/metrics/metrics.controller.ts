import { Controller, Get, Header, Type } from '@nestjs/common';
import { Registry } from 'prom-client';
import { RpcMetrics } from './rpc-metrics';

/** prom-client's text exposition format (Prometheus 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** A controller serving the registry at `path` in the app's own HTTP server (made per path: Nest routes are static). */
export function metricsControllerFor(path: string): Type<unknown> {
  @Controller(path)
  class RpcMetricsController {
    constructor(private readonly metrics: RpcMetrics) {}

    @Get()
    @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
    scrape(): Promise<string> {
      return this.metrics.registry.metrics();
    }
  }
  return RpcMetricsController;
}
