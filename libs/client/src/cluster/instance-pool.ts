import { Logger } from '@nestjs/common';
import type { ServiceInstance, ServiceRegistry } from '@nestrpc/discovery';
import { RpcClient, RpcClientOptions } from '@nestrpc/transport';
import { Subscription } from 'rxjs';
import { DEFAULT_EJECTION_BASE_MS, DEFAULT_EJECTION_MAX_MS, REMOVED_INSTANCE_CLOSE_GRACE_MS } from '../constants';
import { isConnectionFailure } from './call-errors';

interface Member {
  instance: ServiceInstance;
  client: RpcClient | undefined;
  /** Consecutive connection failures; drives the ejection time. */
  failures: number;
  ejected: boolean;
  draining: boolean;
  probe: NodeJS.Timeout | undefined;
}

export interface InstancePoolOptions {
  transport?: Omit<RpcClientOptions, 'host' | 'port'>;
  ejectionBaseMs?: number;
  ejectionMaxMs?: number;
}

/**
 * The instances of one service range, kept live from the registry, each with one lazily
 * opened multiplexed connection. An instance whose connection fails is ejected (skipped by the
 * balancer) with exponential backoff, independently of the registry, and comes back when a
 * background probe connects. Removed instances keep their connection until in-flight calls end.
 */
export class InstancePool {
  private readonly logger = new Logger('RpcClusterClient');
  private readonly members = new Map<string, Member>();
  private readonly leaving = new Set<RpcClient>();
  private subscription: Subscription | undefined;
  private closed = false;

  constructor(
    private readonly registry: ServiceRegistry,
    readonly service: string,
    readonly range: string,
    private readonly options: InstancePoolOptions = {},
  ) {}

  start(): void {
    if (this.subscription !== undefined || this.closed) return;
    this.subscription = this.registry.watch(this.service, this.range).subscribe({
      next: (list) => this.update(list),
      error: (err: Error) => this.logger.error(`Discovery of ${this.service}@${this.range} failed: ${err.message}`),
    });
  }

  /** Every known instance, ejected or not. */
  get all(): ServiceInstance[] {
    return [...this.members.values()].map((m) => m.instance);
  }

  /** Instances fit for new calls. When every instance is ejected, all of them (better a try than certain failure). */
  healthy(): ServiceInstance[] {
    const fit: ServiceInstance[] = [];
    let ejected = 0;
    for (const member of this.members.values()) {
      if (member.draining) continue;
      if (member.ejected) ejected++;
      else fit.push(member.instance);
    }
    if (fit.length === 0 && ejected > 0) {
      return [...this.members.values()].filter((m) => !m.draining).map((m) => m.instance);
    }
    return fit;
  }

  isEjected(id: string): boolean {
    return this.members.get(id)?.ejected === true;
  }

  client(instance: ServiceInstance): RpcClient {
    const member = this.members.get(instance.id);
    if (member === undefined) throw new Error(`Instance ${instance.id} is no longer known`);
    if (member.client === undefined) {
      const client = new RpcClient({ ...this.options.transport, host: instance.host, port: instance.port, reconnect: false });
      client.on('goaway', () => (member.draining = true));
      member.client = client;
    }
    return member.client;
  }

  onSuccess(instance: ServiceInstance): void {
    const member = this.members.get(instance.id);
    if (member !== undefined) member.failures = 0;
  }

  onFailure(instance: ServiceInstance, error: unknown): void {
    const member = this.members.get(instance.id);
    if (member === undefined || member.ejected || !isConnectionFailure(error)) return;
    this.eject(member, error);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscription?.unsubscribe();
    const clients: RpcClient[] = [...this.leaving];
    for (const member of this.members.values()) {
      if (member.probe !== undefined) clearTimeout(member.probe);
      if (member.client !== undefined) clients.push(member.client);
    }
    this.members.clear();
    this.leaving.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  private update(list: ServiceInstance[]): void {
    const seen = new Set<string>();
    for (const instance of list) {
      seen.add(instance.id);
      const member = this.members.get(instance.id);
      if (member === undefined) {
        this.members.set(instance.id, { instance, client: undefined, failures: 0, ejected: false, draining: false, probe: undefined });
      } else if (member.instance.host !== instance.host || member.instance.port !== instance.port) {
        this.retire(member);
        this.members.set(instance.id, { instance, client: undefined, failures: 0, ejected: false, draining: false, probe: undefined });
      } else {
        member.instance = instance; // weight, tags, metadata changes apply to the next pick
      }
    }
    for (const [id, member] of this.members) {
      if (!seen.has(id)) {
        this.members.delete(id);
        this.retire(member);
      }
    }
  }

  /** Lets a departed instance's connection finish its in-flight calls, then closes it. */
  private retire(member: Member): void {
    if (member.probe !== undefined) clearTimeout(member.probe);
    const client = member.client;
    if (client === undefined) return;
    this.leaving.add(client);
    const deadline = Date.now() + REMOVED_INSTANCE_CLOSE_GRACE_MS;
    const check = () => {
      if (client.pendingCount > 0 && Date.now() < deadline && !this.closed) {
        setTimeout(check, 100).unref();
        return;
      }
      this.leaving.delete(client);
      void client.close();
    };
    check();
  }

  private eject(member: Member, error: unknown): void {
    member.failures++;
    member.ejected = true;
    const base = this.options.ejectionBaseMs ?? DEFAULT_EJECTION_BASE_MS;
    const max = this.options.ejectionMaxMs ?? DEFAULT_EJECTION_MAX_MS;
    const delay = Math.min(max, base * 2 ** (member.failures - 1));
    this.logger.warn(`Ejecting ${member.instance.service}@${member.instance.version} ${member.instance.host}:${member.instance.port} for ${delay} ms: ${(error as Error).message}`);
    member.probe = setTimeout(() => this.probe(member), delay);
    member.probe.unref();
  }

  /** After the ejection time, try to connect; only a successful connection brings the instance back. */
  private probe(member: Member): void {
    member.probe = undefined;
    if (this.closed || this.members.get(member.instance.id) !== member) return;
    this.client(member.instance)
      .connect()
      .then(
        () => {
          member.ejected = false;
          member.draining = false;
          this.logger.log(`${member.instance.host}:${member.instance.port} is reachable again`);
        },
        (err: unknown) => this.eject(member, err),
      );
  }
}
