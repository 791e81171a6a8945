import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { findOptional } from './find-optional';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RpcClusterManager } from '@nestrpc/client';

export interface RpcClientHealthOptions {
  /** Contracts (service names) that may have no instance without making the app unready. */
  optional?: readonly string[];
}

/**
 * For each declared contract: how many instances in its version range take traffic, and whether
 * the registry serves them live or from its last known list. Down when a required contract has
 * none; up otherwise, also while a watch serves from cache (calls still work; the detail says so).
 */
@Injectable()
export class RpcClientHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  private get manager(): RpcClusterManager | undefined {
    return findOptional(this.moduleRef, RpcClusterManager);
  }

  async isHealthy(key = 'rpc-clients', options: RpcClientHealthOptions = {}): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    if (this.manager === undefined) return check.down({ message: 'no RpcClientModule in this app' });
    const contracts: Record<string, { range: string; available: number; known: number; registry: string }> = {};
    const missing: string[] = [];
    let cached = false;
    for (const client of this.manager.clients()) {
      await client.connect(); // starts discovery of a contract nothing has called yet; idempotent
      const available = client.healthyInstances().length;
      const registry = client.registryHealth()?.watches[client.service] ?? 'live';
      cached ||= registry === 'cache';
      contracts[`${client.service}@${client.range}`] = { range: client.range, available, known: client.instances().length, registry };
      if (available === 0 && !options.optional?.includes(client.service)) missing.push(`${client.service}@${client.range}`);
    }
    if (missing.length > 0) return check.down({ contracts, message: `no instance available for ${missing.join(', ')}` });
    // Serving from cache is still ready: calls work on the last known instances (the detail says so).
    return cached ? check.up({ contracts, message: 'registry unreachable: serving the last known instances' }) : check.up({ contracts });
  }
}
