import { LoggerService } from '@nestjs/common';
import type { IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import { instanceKey, servicePrefix } from '../../instance/key-layout';
import { ServiceInstance } from '../../instance/service-instance';
import { Backoff, settleWithin } from '@nestrpc/common';
import { EmptyPushGuard } from './empty-push-guard';
import { DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS, EMPTY_PUSH_RECONNECT_WINDOW_MS, ETCD_RETRY_BACKOFF } from './constants';
import { EtcdKv } from './etcd-kv';
import { byId } from '../instance-list';
import { readRegistryEntry } from './registry-entry';

export interface ServiceWatchListener {
  next(instances: readonly ServiceInstance[]): void;
  complete(): void;
}

export interface ServiceWatchDeps {
  readonly kv: EtcdKv;
  readonly namespace: string;
  readonly logger: LoggerService;
  readonly emptyPush: { readonly enabled: boolean; readonly holdMs: number };
  /** The saved list for cold starts while etcd is down. */
  readonly fallback: (service: string) => { instances: readonly ServiceInstance[]; savedAt: number } | undefined;
  /** Every list published from etcd (for the snapshot). */
  readonly onPublish: (service: string, instances: readonly ServiceInstance[]) => void;
}

/**
 * One etcd watcher for all versions of one service, shared by every consumer of the service.
 * Initial get, then watch from revision + 1, so no change falls between the two. The watcher is
 * re-created (re-list, diff, watch again) when etcd reports an error such as compaction, and when a
 * reconnected stream shows another cluster id or an older revision (etcd replaced or restored:
 * etcd3 would silently keep its old start revision and miss events). The last list keeps being
 * served while etcd is unreachable.
 */
export class ServiceWatch {
  readonly prefix: string;
  private readonly entries = new Map<string, ServiceInstance>();
  private readonly listeners = new Set<ServiceWatchListener>();
  /** Re-list delays and the one retry timer (unref'd). */
  private readonly retry = new Backoff(ETCD_RETRY_BACKOFF);
  private readonly guard: EmptyPushGuard;
  private published: readonly ServiceInstance[] | undefined;
  private watcher: Watcher | undefined;
  private revision = 0;
  private clusterId: string | undefined;
  /** The sync under way, for close() to wait for (bounded): nothing of the watch runs after close(). */
  private running: Promise<void> | undefined;
  private resyncWanted = false;
  private holdTimer: NodeJS.Timeout | undefined;
  private disconnected = false;
  private failures = 0;
  private closed = false;
  /** `live` while an etcd watch stream is up and no re-list is failing; else the last list is served. */
  get state(): 'live' | 'cache' {
    return this.watcher !== undefined && !this.disconnected && !this.retry.pending && this.synced ? 'live' : 'cache';
  }

  /** True once a list came from etcd (not only from the snapshot). */
  synced = false;

  constructor(
    readonly service: string,
    private readonly deps: ServiceWatchDeps,
  ) {
    this.prefix = servicePrefix(deps.namespace, service);
    this.guard = new EmptyPushGuard(deps.emptyPush.enabled, deps.emptyPush.holdMs, EMPTY_PUSH_RECONNECT_WINDOW_MS);
  }

  /** The list being served; undefined until the first list (from etcd, the snapshot, or empty after a failure). */
  get current(): readonly ServiceInstance[] | undefined {
    return this.published;
  }

  start(): void {
    void this.sync('start');
  }

  subscribe(listener: ServiceWatchListener): () => void {
    this.listeners.add(listener);
    if (this.published !== undefined) listener.next(this.published);
    return () => this.listeners.delete(listener);
  }

  async close(stepMs = DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    clearTimeout(this.holdTimer);
    for (const listener of [...this.listeners]) listener.complete();
    this.listeners.clear();
    await this.dropWatcher(stepMs);
    // A list or watch request still in flight ends with the client (which the registry closes
    // next) or its own deadline; waited for here, so it does not settle after close() resolved.
    if (this.running !== undefined) await settleWithin(this.running, stepMs);
  }

  private sync(reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running !== undefined) {
      this.resyncWanted = true;
      return Promise.resolve();
    }
    const run = this.runSync(reason);
    this.running = run;
    return run;
  }

  private async runSync(reason: string): Promise<void> {
    try {
      await this.dropWatcher(DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS);
      const listed = await this.deps.kv.list(this.prefix);
      if (this.closed) return;
      if (this.clusterId !== undefined && this.clusterId !== listed.clusterId) {
        this.deps.logger.warn(`etcd cluster changed (id ${this.clusterId} → ${listed.clusterId}); re-listed ${this.service}`);
      }
      this.clusterId = listed.clusterId;
      this.revision = listed.revision;
      this.entries.clear();
      for (const kv of listed.kvs) this.apply(kv);
      this.synced = true;
      this.publish(true);
      await this.openWatcher(listed.revision + 1);
      if (this.failures > 0) this.deps.logger.log(`Watching ${this.service} again after ${this.failures} failed attempt(s) (${reason})`);
      this.failures = 0;
      this.retry.reset();
    } catch (error) {
      if (this.closed) return;
      this.onSyncFailure(error as Error);
    } finally {
      this.running = undefined;
      if (this.resyncWanted && !this.closed && !this.retry.pending) {
        this.resyncWanted = false;
        void this.sync('resync requested');
      }
    }
  }

  private onSyncFailure(error: Error): void {
    this.failures++;
    if (this.published === undefined) this.serveFallback();
    const message = `Cannot watch ${this.service}: ${error.message}; serving ${this.published?.length ?? 0} cached instance(s), retrying`;
    if (this.failures === 1) this.deps.logger.warn(message);
    else this.deps.logger.debug?.(message);
    this.retry.schedule(() => void this.sync('retry'));
  }

  private serveFallback(): void {
    const saved = this.deps.fallback(this.service);
    if (saved !== undefined) {
      for (const instance of saved.instances) this.entries.set(instanceKey(this.deps.namespace, instance.service, instance.version, instance.id), instance);
      this.deps.logger.warn(`Serving ${saved.instances.length} ${this.service} instance(s) from the snapshot saved ${new Date(saved.savedAt).toISOString()}`);
    }
    this.published = [...this.entries.values()].sort(byId);
    this.emit();
  }

  private async openWatcher(startRevision: number): Promise<void> {
    // watcher() rather than create(): a create() that never completes (etcd went away meanwhile)
    // leaves a watcher that etcd3 keeps reconnecting forever, even after close, with no handle to cancel.
    const watcher = this.deps.kv.client.watch().prefix(this.prefix).startRevision(String(startRevision)).watcher();
    let onCreated: () => void = () => undefined;
    let onFailed: (error: Error) => void = () => undefined;
    const created = new Promise<void>((resolve, reject) => {
      onCreated = () => resolve();
      onFailed = reject;
      watcher.once('connected', onCreated).once('error', onFailed);
    });
    try {
      await this.deps.kv.bounded(created, `watch ${this.prefix}`);
    } catch (error) {
      await this.discard(watcher);
      throw error;
    } finally {
      watcher.off('connected', onCreated).off('error', onFailed);
    }
    if (this.closed) {
      await this.discard(watcher);
      return;
    }
    this.watcher = watcher;
    this.disconnected = false;
    watcher
      .on('put', (kv: IKeyValue) => this.onChange(kv, false))
      .on('delete', (kv: IKeyValue) => this.onChange(kv, true))
      .on('data', (res: IWatchResponse) => (this.revision = Math.max(this.revision, Number(res.header.revision))))
      .on('connected', (res: IWatchResponse) => this.onConnected(watcher, res))
      .on('disconnected', (error: Error) => this.onDisconnected(watcher, error))
      .on('error', (error: Error) => this.onWatchError(watcher, error));
  }

  private onChange(kv: IKeyValue, deleted: boolean): void {
    if (deleted) this.entries.delete(kv.key.toString());
    else this.apply(kv);
    this.publish(false);
  }

  /** Adds or replaces one entry; malformed keys and values are logged and skipped (and drop what was there). */
  private apply(kv: IKeyValue): void {
    const key = kv.key.toString();
    const instance = readRegistryEntry(key, kv.value.toString(), this.service, this.deps.logger);
    if (instance === undefined) this.entries.delete(key);
    else this.entries.set(key, instance);
  }

  /**
   * A (re)connected stream. After a disconnection we re-list rather than trust etcd3's resume: an
   * etcd replaced by an empty one (same member ids, so often the same cluster id) restarts its
   * revisions, and a resume from our old revision would silently skip the first new events.
   */
  private onConnected(watcher: Watcher, res: IWatchResponse): void {
    if (watcher !== this.watcher) return;
    const clusterId = String(res.header.cluster_id);
    const revision = Number(res.header.revision);
    const replaced = clusterId !== this.clusterId || revision < this.revision;
    if (!replaced && !this.disconnected) return;
    this.disconnected = false;
    this.guard.noteReconnect(Date.now());
    if (replaced) {
      this.deps.logger.warn(`etcd came back as a different cluster or with an older revision (id ${clusterId}, revision ${revision} < ${this.revision}): re-listing ${this.service}`);
    } else {
      this.deps.logger.log(`Watch of ${this.service} reconnected; re-listing to catch up`);
    }
    void this.sync(replaced ? 'etcd replaced' : 'reconnected');
  }

  private onDisconnected(watcher: Watcher, error: Error): void {
    if (watcher !== this.watcher || this.disconnected) return;
    this.disconnected = true;
    this.deps.logger.warn(`Watch of ${this.service} disconnected (${error.message}); serving ${this.published?.length ?? 0} cached instance(s)`);
  }

  private onWatchError(watcher: Watcher, error: Error): void {
    if (watcher !== this.watcher) return;
    this.deps.logger.warn(`Watch of ${this.service} failed (${error.message}); re-listing`);
    void this.sync('watch error');
  }

  private publish(bulk: boolean): void {
    const next = [...this.entries.values()].sort(byId);
    const decision = this.guard.decide(this.published?.length ?? 0, next.length, bulk, Date.now());
    if (decision === 'hold') {
      if (this.holdTimer === undefined) {
        this.deps.logger.warn(
          `etcd suddenly lists no ${this.service} instance; still serving the last ${this.published?.length} for up to ${this.guard.holdMs} ms (empty-push protection)`,
        );
        this.holdTimer = setTimeout(() => this.endHold(), this.guard.holdMs);
        this.holdTimer.unref();
      }
      return;
    }
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.published = next;
    this.deps.onPublish(this.service, next);
    this.emit();
  }

  private endHold(): void {
    this.holdTimer = undefined;
    this.guard.release();
    this.published = [...this.entries.values()].sort(byId);
    this.deps.logger.warn(`Believing etcd: ${this.service} now has ${this.published.length} instance(s)`);
    this.deps.onPublish(this.service, this.published);
    this.emit();
  }

  private emit(): void {
    const list = this.published;
    if (list === undefined) return;
    for (const listener of [...this.listeners]) listener.next(list);
  }

  private async dropWatcher(stepMs: number): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher !== undefined) await this.discard(watcher, stepMs);
  }

  /** Cancels a watcher we no longer listen to (bounded); its late errors are ignored. */
  private async discard(watcher: Watcher, stepMs = DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS): Promise<void> {
    for (const event of ['put', 'delete', 'connected', 'disconnected', 'error'] as const) watcher.removeAllListeners(event);
    watcher.on('error', () => undefined);
    await settleWithin(watcher.cancel(), stepMs);
  }
}
