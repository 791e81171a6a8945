import { LoggerService } from '@nestjs/common';
import { IKeyValue, Watcher } from 'etcd3';
import { Backoff } from '../registry/backoff';
import { settleWithin } from '@nestrpc/common';
import { DEFAULT_RETRY_INITIAL_DELAY_MS, DEFAULT_RETRY_MAX_DELAY_MS, DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS } from '../registry/etcd-registry.options';
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
  private readonly backoff = new Backoff(DEFAULT_RETRY_INITIAL_DELAY_MS, DEFAULT_RETRY_MAX_DELAY_MS);
  private watcher: Watcher | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
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
    clearTimeout(this.retryTimer);
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
      this.backoff.reset();
    } catch (error) {
      if (this.closed) return;
      const message = (error as Error).message;
      if (message !== this.lastError) this.logger.warn(`Cannot watch ${this.prefix} (${message}); retrying, keeping what was read`);
      this.lastError = message;
      this.retry();
    } finally {
      this.syncing = false;
      if (this.again && !this.closed) {
        this.again = false;
        void this.sync();
      }
    }
  }

  private retry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.sync();
    }, this.backoff.next());
    this.retryTimer.unref();
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
        this.retry();
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
