import { LoggerService } from '@nestjs/common';
import type { IKeyValue, Watcher } from 'etcd3';
import { Backoff, settleWithin } from '@nestrpc/common';
import { DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS, ETCD_RETRY_BACKOFF } from '../registry/etcd/constants';
import { EtcdConnection } from './etcd-connection';

export interface PrefixWatchHandlers {
  /** The whole prefix as listed (at start and after every re-list). */
  reset(kvs: ReadonlyMap<string, string>): void;
  put(key: string, value: string): void;
  delete(key: string): void;
}

/**
 * Keeps a prefix in sync: list, then watch from the listed revision + 1 (no change falls between),
 * and re-list with backoff after a watch error or a reconnect. Used for governance rules and the
 * operators' fleet view; the registrations have their own hardened ServiceWatch.
 */
export class PrefixWatch {
  /** Re-list delays and the one retry timer (unref'd). */
  private readonly retry = new Backoff(ETCD_RETRY_BACKOFF);
  private watcher: Watcher | undefined;
  private closed = false;
  private syncing = false;
  private again = false;
  private lastError: string | undefined;

  constructor(
    private readonly connection: EtcdConnection,
    readonly prefix: string,
    private readonly handlers: PrefixWatchHandlers,
    private readonly logger: LoggerService,
  ) {}

  start(): void {
    void this.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retry.cancel();
    await this.drop();
  }

  private async sync(): Promise<void> {
    if (this.closed) return;
    // One re-list at a time: a reconnect and a retry landing together must not open two watchers.
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      await this.drop();
      const listed = await this.connection.kv.list(this.prefix);
      if (this.closed) return;
      this.handlers.reset(new Map(listed.kvs.map((kv) => [kv.key.toString(), kv.value.toString()])));
      await this.open(listed.revision + 1);
      if (this.lastError !== undefined) this.logger.log(`Watching ${this.prefix} again`);
      this.lastError = undefined;
      this.retry.reset();
    } catch (error) {
      if (this.closed) return;
      const message = (error as Error).message;
      if (message !== this.lastError) this.logger.warn(`Cannot watch ${this.prefix} (${message}); retrying, keeping what was read`);
      this.lastError = message;
      this.retry.schedule(() => void this.sync());
    } finally {
      this.syncing = false;
      if (this.again && !this.closed) {
        this.again = false;
        void this.sync();
      }
    }
  }

  private async open(startRevision: number): Promise<void> {
    const watcher = this.connection.client.watch().prefix(this.prefix).startRevision(String(startRevision)).watcher();
    watcher.on('error', () => undefined);
    const created = new Promise<void>((resolve, reject) => watcher.once('connected', () => resolve()).once('error', reject));
    try {
      await this.connection.kv.bounded(created, `watch ${this.prefix}`);
    } catch (error) {
      await discard(watcher);
      throw error;
    }
    if (this.closed) return discard(watcher);
    this.watcher = watcher;
    let disconnected = false;
    watcher
      .on('put', (kv: IKeyValue) => this.handlers.put(kv.key.toString(), kv.value.toString()))
      .on('delete', (kv: IKeyValue) => this.handlers.delete(kv.key.toString()))
      .on('disconnected', () => (disconnected = true))
      .on('connected', () => {
        // Re-list after a reconnect rather than trust the resume (see ServiceWatch for why).
        if (disconnected && watcher === this.watcher) void this.sync();
      })
      .on('error', (error: Error) => {
        if (watcher !== this.watcher) return;
        this.logger.warn(`Watch of ${this.prefix} failed (${error.message}); re-listing`);
        this.retry.schedule(() => void this.sync());
      });
  }

  private async drop(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    if (watcher !== undefined) await discard(watcher);
  }
}

async function discard(watcher: Watcher): Promise<void> {
  for (const event of ['put', 'delete', 'connected', 'disconnected', 'error'] as const) watcher.removeAllListeners(event);
  watcher.on('error', () => undefined);
  await settleWithin(watcher.cancel(), DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS);
}

/** The prefix watches one owner has open, closed together when the owner closes. */
export class PrefixWatchSet {
  private readonly open = new Set<PrefixWatch>();

  /** Starts `watch` and returns the teardown that stops it (an Observable's unsubscribe). */
  start(watch: PrefixWatch): () => void {
    this.open.add(watch);
    watch.start();
    return () => {
      this.open.delete(watch);
      void watch.close();
    };
  }

  async closeAll(): Promise<void> {
    const watches = [...this.open];
    this.open.clear();
    await Promise.all(watches.map((w) => w.close()));
  }
}
