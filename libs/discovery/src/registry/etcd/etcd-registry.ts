import { Logger, LoggerService } from '@nestjs/common';
import type { Etcd3, IKeyValue } from 'etcd3';
import { Observable } from 'rxjs';
import { RegistryClosedError } from '../../errors/registry-closed.error';
import { RegistryUnavailableError } from '../../errors/registry-unavailable.error';
import { namespacePrefix } from '../../instance/key-layout';
import { normalizeInstance } from '../../instance/normalize-instance';
import { ServiceInstance, ServiceInstanceInit } from '../../instance/service-instance';
import { isValidKeySegment, parseVersionRange, validateServiceName } from '../../instance/validation';
import { deadlineIn } from '@nestrpc/common';
import { createEtcdClient, endpointsOf } from './etcd-client.factory';
import { EtcdKv } from './etcd-kv';
import { EtcdRegistryOptions } from './etcd-registry.options';
import { DEFAULT_EMPTY_PUSH_HOLD_MS, DEFAULT_ETCD_CALL_TIMEOUT_MS, DEFAULT_LEASE_TTL_SECONDS, DEFAULT_NAMESPACE, DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS } from './constants';
import { sameInstances, selectInRange } from '../instance-list';
import { LeaseKeeper } from './lease-keeper';
import { readRegistryEntry } from './registry-entry';
import { RegistryHealth, WatchState } from '../registry-health';
import { ServiceRegistry } from '../service-registry';
import { ServiceWatch } from './service-watch';
import { SnapshotStore } from './snapshot-store';

interface SharedWatch {
  readonly watch: ServiceWatch;
  refs: number;
}

/**
 * ServiceRegistry on etcd v3. Instances live under `/<namespace>/services/<service>/<version>/<id>`
 * attached to one lease per registry; watchers of the same service share one etcd watcher. See
 * docs/registry.md for the outage behaviour. Nothing is contacted before the first call; use
 * `connect()` to fail fast at startup.
 */
export class EtcdRegistry implements ServiceRegistry {
  readonly namespace: string;
  readonly endpoints: readonly string[];
  private readonly logger: LoggerService;
  private readonly client: Etcd3;
  private readonly kv: EtcdKv;
  private readonly keeper: LeaseKeeper;
  private readonly snapshot: SnapshotStore | undefined;
  private readonly watches = new Map<string, SharedWatch>();
  private readonly emptyPush: { enabled: boolean; holdMs: number };
  private closing: Promise<void> | undefined;

  constructor(options: EtcdRegistryOptions) {
    this.endpoints = endpointsOf(options);
    if (this.endpoints.length === 0 || this.endpoints.some((e) => e === '')) throw new TypeError('EtcdRegistry needs at least one etcd endpoint in `hosts`');
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    if (!isValidKeySegment(this.namespace)) throw new TypeError(`Invalid namespace ${JSON.stringify(this.namespace)}: use letters, digits, "_", ".", ":" or "-"`);
    const ttl = options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1) throw new RangeError(`leaseTtlSeconds must be an integer ≥ 1, got ${ttl}`);
    const timeoutMs = options.callTimeoutMs ?? DEFAULT_ETCD_CALL_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`callTimeoutMs must be > 0, got ${timeoutMs}`);
    const holdMs = options.emptyPushHoldMs ?? DEFAULT_EMPTY_PUSH_HOLD_MS;
    if (!Number.isFinite(holdMs) || holdMs < 0) throw new RangeError(`emptyPushHoldMs must be ≥ 0, got ${holdMs}`);
    this.emptyPush = { enabled: options.emptyPushProtection ?? true, holdMs };
    this.logger = options.logger ?? new Logger('EtcdRegistry');
    this.client = createEtcdClient({ ...options, hosts: [...this.endpoints] }, timeoutMs);
    this.kv = new EtcdKv(this.client, this.endpoints, timeoutMs);
    this.keeper = new LeaseKeeper(this.kv, this.namespace, ttl, this.logger);
    this.snapshot = options.snapshotFile === undefined ? undefined : new SnapshotStore(options.snapshotFile, this.namespace, this.logger);
  }

  /** Checks that etcd answers; rejects with RegistryUnavailableError (naming the endpoints) within the call timeout. */
  async connect(): Promise<void> {
    this.assertOpen('connect');
    await this.kv.bounded(this.client.get(namespacePrefix(this.namespace)).options(deadlineIn(this.kv.timeoutMs)).exec(), 'connect');
  }

  async register(init: ServiceInstanceInit): Promise<ServiceInstance> {
    this.assertOpen('register');
    const instance = normalizeInstance(init);
    await this.keeper.put(instance, false);
    return instance;
  }

  async update(init: ServiceInstanceInit): Promise<ServiceInstance> {
    this.assertOpen('update');
    const instance = normalizeInstance(init);
    await this.keeper.put(instance, true);
    return instance;
  }

  async deregister(id: string): Promise<void> {
    this.assertOpen('deregister');
    await this.keeper.delete(id);
  }

  watch(service: string, range = '*'): Observable<ServiceInstance[]> {
    const name = validateServiceName(service);
    const wanted = parseVersionRange(range);
    this.assertOpen('watch');
    return new Observable<ServiceInstance[]>((subscriber) => {
      if (this.closing !== undefined) {
        subscriber.complete();
        return undefined;
      }
      const shared = this.acquire(name);
      let last: ServiceInstance[] | undefined;
      const unsubscribe = shared.watch.subscribe({
        next: (all) => {
          const next = selectInRange(all, wanted);
          if (last !== undefined && sameInstances(last, next)) return;
          last = next;
          subscriber.next(next);
        },
        complete: () => subscriber.complete(),
      });
      return () => {
        unsubscribe();
        this.release(name, shared);
      };
    });
  }

  async instances(service: string, range = '*'): Promise<ServiceInstance[]> {
    const name = validateServiceName(service);
    const wanted = parseVersionRange(range);
    this.assertOpen('instances');
    const cached = this.watches.get(name)?.watch.current;
    if (cached !== undefined) return selectInRange(cached, wanted);
    try {
      const listed = await this.kv.list(`${namespacePrefix(this.namespace)}${name}/`);
      return selectInRange(this.parseAll(name, listed.kvs), wanted);
    } catch (error) {
      const saved = error instanceof RegistryUnavailableError ? this.snapshot?.get(name) : undefined;
      if (saved === undefined) throw error;
      return selectInRange(saved.instances, wanted);
    }
  }

  health(): RegistryHealth {
    const watches: Record<string, WatchState> = {};
    for (const [service, shared] of this.watches) watches[service] = shared.watch.state;
    return { registered: this.keeper.size, leaseAlive: this.keeper.size === 0 || this.keeper.leaseAlive, watches };
  }

  /** Cancels watchers, revokes the lease (instances disappear at once), closes the client. Bounded; idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const watches = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(watches.map((w) => w.watch.close(DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS)));
    await this.keeper.close(DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS);
    await this.snapshot?.flush();
    this.client.close();
  }

  private acquire(service: string): SharedWatch {
    let shared = this.watches.get(service);
    if (shared === undefined) {
      const watch = new ServiceWatch(service, {
        kv: this.kv,
        namespace: this.namespace,
        logger: this.logger,
        emptyPush: this.emptyPush,
        fallback: (name) => this.snapshot?.get(name),
        onPublish: (name, list) => this.snapshot?.set(name, list),
      });
      shared = { watch, refs: 0 };
      this.watches.set(service, shared);
      watch.start();
    }
    shared.refs++;
    return shared;
  }

  private release(service: string, shared: SharedWatch): void {
    shared.refs--;
    if (shared.refs > 0 || this.watches.get(service) !== shared) return;
    this.watches.delete(service);
    void shared.watch.close();
  }

  private parseAll(service: string, kvs: readonly IKeyValue[]): ServiceInstance[] {
    const valid: ServiceInstance[] = [];
    for (const kv of kvs) {
      const key = kv.key.toString();
      const instance = readRegistryEntry(key, kv.value.toString(), service, this.logger);
      if (instance !== undefined) valid.push(instance);
    }
    return valid;
  }

  private assertOpen(operation: string): void {
    if (this.closing !== undefined) throw new RegistryClosedError(operation);
  }
}
