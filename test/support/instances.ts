import { normalizeInstance, ServiceInstance, ServiceInstanceInit } from '@nestrpc/discovery';

/**
 * What a test registers: `Hello` 1.0.0 at 127.0.0.1:4000, weight 1, unless `patch` says
 * otherwise. The registry normalizes it; specs that skip the registry use `instance()`.
 */
export function instanceInit(id: string, patch: Partial<ServiceInstanceInit> = {}): ServiceInstanceInit {
  return { id, service: 'Hello', version: '1.0.0', host: '127.0.0.1', port: 4000, weight: 1, ...patch };
}

/** The same instance as a registry hands it out (normalized: defaults filled in, validated). */
export function instance(id: string, patch: Partial<ServiceInstanceInit> = {}): ServiceInstance {
  return normalizeInstance(instanceInit(id, patch));
}
