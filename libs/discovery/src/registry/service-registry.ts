import { RegistryHealth } from './registry-health';
import { Observable } from 'rxjs';
import { ServiceInstance, ServiceInstanceInit } from '../instance/service-instance';

/**
 * Who provides a service, in which versions, with what weight. Names and ranges are validated
 * when called (InvalidServiceNameError, InvalidVersionRangeError), before any I/O.
 */
export interface ServiceRegistry {
  /** Publishes an instance (defaults filled in) and keeps it published until deregistered or closed. */
  register(instance: ServiceInstanceInit): Promise<ServiceInstance>;
  /** Replaces a registered instance (weight, tags, metadata...); watchers see the change live. */
  update(instance: ServiceInstanceInit): Promise<ServiceInstance>;
  /** Withdraws an instance registered through this registry. Unknown ids are ignored. */
  deregister(id: string): Promise<void>;
  /**
   * The instances of `service` whose version satisfies `range` (default `*`), sorted by id: the
   * current list at once (from the cache when there is one), then every change. Never errors
   * because of an outage: the last known list keeps being served.
   */
  watch(service: string, range?: string): Observable<ServiceInstance[]>;
  /** A snapshot of the same list. */
  instances(service: string, range?: string): Promise<ServiceInstance[]>;
  /** Withdraws everything registered here, stops watching, releases every resource. Idempotent. */
  close(): Promise<void>;
  /** Lease and watch state for health checks; registries without such state leave it out. */
  health?(): RegistryHealth;
}
