import { LoggerService } from '@nestjs/common';
import { readFileSync } from 'fs';
import { normalizeInstance } from '../../instance/normalize-instance';
import { ServiceInstance, ServiceInstanceInit } from '../../instance/service-instance';
import { writeFileAtomic } from './atomic-write';
import { SNAPSHOT_WRITE_DELAY_MS } from './constants';

/** On-disk format (JSON). */
export interface RegistrySnapshot {
  readonly format: 1;
  readonly namespace: string;
  /** Epoch ms of the write. */
  readonly savedAt: number;
  readonly services: Readonly<Record<string, readonly ServiceInstance[]>>;
}

/**
 * The last known instance lists, on disk, for cold starts while etcd is down. Loaded once, lazily;
 * changes are batched and written atomically; services this process does not watch are kept.
 */
export class SnapshotStore {
  private services: Map<string, readonly ServiceInstance[]> | undefined;
  private savedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly namespace: string,
    private readonly logger: LoggerService,
    private readonly writeDelayMs = SNAPSHOT_WRITE_DELAY_MS,
  ) {}

  /** The saved list of `service`, or undefined when the snapshot has none. */
  get(service: string): { instances: readonly ServiceInstance[]; savedAt: number } | undefined {
    const instances = this.load().get(service);
    return instances === undefined ? undefined : { instances, savedAt: this.savedAt };
  }

  set(service: string, instances: readonly ServiceInstance[]): void {
    this.load().set(service, instances);
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.writeDelayMs);
    this.timer.unref();
  }

  /** Writes pending changes now. Never rejects: a failed write is logged. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      if (!this.dirty || this.services === undefined) return;
      this.dirty = false;
      const snapshot: RegistrySnapshot = { format: 1, namespace: this.namespace, savedAt: Date.now(), services: Object.fromEntries(this.services) };
      try {
        await writeFileAtomic(this.file, JSON.stringify(snapshot, null, 1));
      } catch (error) {
        this.logger.warn(`Cannot write registry snapshot ${this.file}: ${(error as Error).message}`);
      }
    });
    return this.writing;
  }

  private load(): Map<string, readonly ServiceInstance[]> {
    if (this.services !== undefined) return this.services;
    this.services = new Map();
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn(`Cannot read registry snapshot ${this.file}: ${(error as Error).message}`);
      return this.services;
    }
    try {
      const parsed = JSON.parse(text) as Partial<RegistrySnapshot>;
      if (parsed.format !== 1 || parsed.namespace !== this.namespace || typeof parsed.services !== 'object' || parsed.services === null) {
        this.logger.warn(`Ignoring registry snapshot ${this.file}: not a format-1 snapshot of namespace "${this.namespace}"`);
        return this.services;
      }
      this.savedAt = typeof parsed.savedAt === 'number' ? parsed.savedAt : 0;
      for (const [service, list] of Object.entries(parsed.services)) this.services.set(service, validInstances(service, list, this.logger));
    } catch (error) {
      this.logger.warn(`Ignoring corrupt registry snapshot ${this.file}: ${(error as Error).message}`);
    }
    return this.services;
  }
}

function validInstances(service: string, list: unknown, logger: LoggerService): ServiceInstance[] {
  if (!Array.isArray(list)) return [];
  const valid: ServiceInstance[] = [];
  for (const item of list) {
    try {
      const instance = normalizeInstance(item as ServiceInstanceInit);
      if (instance.service === service) valid.push(instance);
    } catch (error) {
      logger.warn(`Skipping an invalid ${service} instance in the snapshot: ${(error as Error).message}`);
    }
  }
  return valid;
}
