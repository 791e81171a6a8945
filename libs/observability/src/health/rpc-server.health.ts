import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { findOptional } from './find-optional';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RpcServerLifecycle } from '@nestrpc/server';

/**
 * Readiness of the app's RPC server: listening, registered in the registry with a live lease,
 * and not shutting down. It turns down the moment shutdown begins — before the instances are
 * deregistered — so Kubernetes stops routing first and consumers see the deregistration next.
 */
@Injectable()
export class RpcServerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  private get lifecycle(): RpcServerLifecycle | undefined {
    return findOptional(this.moduleRef, RpcServerLifecycle);
  }

  isHealthy(key = 'rpc-server'): HealthIndicatorResult {
    const check = this.indicators.check(key);
    if (this.lifecycle === undefined) return check.down({ message: 'no RpcServerModule in this app' });
    const health = this.lifecycle.health();
    const facts = { ...health };
    if (health.stopping) return check.down({ ...facts, message: 'shutting down' });
    if (!health.listening) return check.down({ ...facts, message: 'not listening' });
    if (health.usesRegistry && health.registered === 0) return check.down({ ...facts, message: 'not registered' });
    if (health.usesRegistry && !health.leaseAlive) return check.down({ ...facts, message: 'registry lease lost (re-registering)' });
    return check.up(facts);
  }
}
