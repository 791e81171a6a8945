import { LoggerService } from '@nestjs/common';
import type { Lease } from 'etcd3';
import { InvalidInstanceError } from '../../errors/invalid-instance.error';
import { instanceKey } from '../../instance/key-layout';
import { ServiceInstance } from '../../instance/service-instance';
import { Backoff, deadlineIn, settleWithin } from '@nestrpc/common';
import { DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS, ETCD_RETRY_BACKOFF } from './constants';
import { EtcdKv } from './etcd-kv';

interface Registration {
  readonly key: string;
  readonly instance: ServiceInstance;
}

/**
 * Keeps this process's instances in etcd: one lease shared by every key, kept alive by etcd3.
 * etcd3 never re-grants a lost lease (outage longer than the TTL, partition, etcd replaced), so on
 * `lost` we grant a new one as soon as etcd answers again (backoff, unref'd timer) and put every
 * key again. Keys whose deletion failed during an outage are deleted on the same pass.
 */
export class LeaseKeeper {
  private readonly registrations = new Map<string, Registration>();
  private readonly staleKeys = new Set<string>();
  /** Delays and the one retry timer (unref'd) of re-grants, re-puts and stale-key deletions. */
  private readonly retry = new Backoff(ETCD_RETRY_BACKOFF);
  private lease: Lease | undefined;
  private granting: Promise<Lease> | undefined;
  private recovering = false;
  private closed = false;

  constructor(
    private readonly kv: EtcdKv,
    private readonly namespace: string,
    private readonly ttlSeconds: number,
    private readonly logger: LoggerService,
  ) {}

  get size(): number {
    return this.registrations.size;
  }

  /** A granted lease is being kept alive (false after `lost` until the re-grant, and before the first grant). */
  get leaseAlive(): boolean {
    return this.lease !== undefined && !this.recovering && !this.closed;
  }

  /** Puts (or replaces) the instance under the shared lease. On failure nothing changes. */
  async put(instance: ServiceInstance, mustExist: boolean): Promise<void> {
    const previous = this.registrations.get(instance.id);
    if (mustExist && previous === undefined) throw new InvalidInstanceError(instance.id, 'not registered through this registry');
    const key = instanceKey(this.namespace, instance.service, instance.version, instance.id);
    this.registrations.set(instance.id, { key, instance });
    try {
      await this.kv.put(key, JSON.stringify(instance), await this.currentLease());
    } catch (error) {
      if (previous === undefined) this.registrations.delete(instance.id);
      else this.registrations.set(instance.id, previous);
      throw error;
    }
    this.staleKeys.delete(key);
    if (previous !== undefined && previous.key !== key) await this.remove(previous.key);
  }

  /** Deletes the key. If etcd is unreachable the instance is still withdrawn: the key is deleted later. */
  async delete(id: string): Promise<void> {
    const registration = this.registrations.get(id);
    if (registration === undefined) return;
    this.registrations.delete(id);
    await this.remove(registration.key);
  }

  /** Revokes the lease (bounded) so every key disappears at once. */
  async close(stepMs = DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    const leases = [this.lease, await this.pendingGrant(stepMs)].filter((l): l is Lease => l !== undefined);
    this.lease = undefined;
    await Promise.all(leases.map((lease) => settleWithin(lease.revoke(deadlineIn(stepMs)), stepMs)));
    for (const lease of leases) lease.removeAllListeners();
    this.registrations.clear();
  }

  private async remove(key: string): Promise<void> {
    try {
      await this.kv.delete(key);
      this.staleKeys.delete(key);
    } catch (error) {
      this.staleKeys.add(key);
      this.schedule();
      throw error;
    }
  }

  private currentLease(): Promise<Lease> {
    if (this.lease !== undefined && !this.lease.revoked()) return Promise.resolve(this.lease);
    this.granting ??= this.kv
      .grant(this.ttlSeconds)
      .then((lease) => this.adopt(lease))
      .finally(() => (this.granting = undefined));
    return this.granting;
  }

  private adopt(lease: Lease): Lease {
    if (this.closed) {
      void lease.revoke(deadlineIn(DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS)).catch(() => undefined);
      return lease;
    }
    this.lease = lease;
    lease.on('lost', (error: Error) => this.onLost(lease, error));
    // etcd3 types this payload as a keepalive response; at runtime it is the gRPC error.
    lease.on('keepaliveFailed', (error: unknown) => this.logger.debug?.(`Lease keepalive failed: ${error instanceof Error ? error.message : String(error)}`));
    return lease;
  }

  private onLost(lease: Lease, error: Error): void {
    if (this.closed || lease !== this.lease) return;
    this.lease = undefined;
    this.recovering = true;
    this.logger.warn(`etcd lease lost (${error.message}); will re-register ${this.registrations.size} instance(s) as soon as etcd answers`);
    this.schedule(0);
  }

  /** One reconcile pass after `delayMs` (default: the next backoff delay), unless one is already due. */
  private schedule(delayMs?: number): number | undefined {
    if (this.closed || this.retry.pending) return undefined;
    return this.retry.schedule(() => void this.reconcile(), delayMs);
  }

  /** Re-grants if needed, re-puts every registration and deletes stale keys. */
  private async reconcile(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.registrations.size > 0) {
        const lease = await this.currentLease();
        const registrations = [...this.registrations.values()];
        await Promise.all(registrations.map((r) => this.kv.put(r.key, JSON.stringify(r.instance), lease)));
        if (this.recovering) {
          this.logger.log(`Re-registered ${registrations.length} instance(s) under lease ${await lease.grant()}`);
        }
      }
      this.recovering = false;
      await Promise.all([...this.staleKeys].map((key) => this.kv.delete(key).then(() => this.staleKeys.delete(key))));
      this.retry.reset();
    } catch (error) {
      if (this.closed) return;
      const delay = this.schedule();
      this.logger.debug?.(`Re-registration attempt failed (${(error as Error).message}); ${delay === undefined ? 'a retry is already due' : `next in ${delay} ms`}`);
    }
  }

  private async pendingGrant(ms: number): Promise<Lease | undefined> {
    if (this.granting === undefined) return undefined;
    const granting = this.granting.catch(() => undefined);
    return (await settleWithin(granting, ms)) === 'settled' ? granting : undefined;
  }
}
