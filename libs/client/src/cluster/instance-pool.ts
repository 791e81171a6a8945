import { Logger } from '@nestjs/common';
import type { ServiceInstance, ServiceRegistry } from '@nestrpc/discovery';
import { RpcClient, RpcClientOptions, rpcInstrumentation, RpcTimeoutError } from '@nestrpc/transport';
import { Subscription } from 'rxjs';
import { DEFAULT_MAX_EJECTION_PERCENT, DEFAULT_PROBE_TIMEOUT_MS, DEFAULT_STALL_MS, REMOVED_INSTANCE_CHECK_INTERVAL_MS, REMOVED_INSTANCE_CLOSE_GRACE_MS, STALL_SWEEP_INTERVAL_MS } from '../constants';
import { isConnectionFailure, isHealthFailure } from './call-errors';
import { createInstanceClient, probeInstance } from './instance-connection';
import { OutlierDetector, OutlierOptions } from './outlier-detector';

/** How a call on an instance ended. */
export type CallOutcome = 'ok' | 'cancelled' | { error: unknown };

/** `probing`: not yet proven to answer; `ready`: takes traffic; `ejected`: waits for its next probe. */
export type InstanceState = 'probing' | 'ready' | 'ejected';

interface Member {
  instance: ServiceInstance;
  client: RpcClient | undefined;
  state: InstanceState;
  /** Ejected as an outlier (counts toward the cap) rather than for a dead connection. */
  outlier: boolean;
  draining: boolean;
  health: OutlierDetector;
  timer: NodeJS.Timeout | undefined;
  inFlight: number;
  /** Last answer (or the start of a busy period): an instance busy and silent for stallMs is stalled. */
  lastProgressAt: number;
  stalled: boolean;
}

export interface InstancePoolOptions {
  transport?: Omit<RpcClientOptions, 'host' | 'port'>;
  /** Outlier detection and ejection times. */
  outlier?: OutlierOptions;
  /** @deprecated use `outlier.baseMs` */
  ejectionBaseMs?: number;
  /** @deprecated use `outlier.maxMs` */
  ejectionMaxMs?: number;
  /** Cap on the share of instances ejected as outliers (dead connections are always ejected). Default 50. */
  maxEjectionPercent?: number;
  /** Busy and silent for this long → no new calls until it answers again. Default 1 000 ms; 0 disables. */
  stallMs?: number;
  /** Time a probe has to answer. Default 1 000 ms. */
  probeTimeoutMs?: number;
}

/**
 * The instances of one service range, kept live from the registry, each with one multiplexed
 * connection. Health model (independent of the registry):
 * - a new instance takes traffic only once a probe (connect + one round trip) answered, so an
 *   address that accepts connections but never answers costs at most one probe per caller;
 * - a dead connection (refused, dropped, heartbeats missed) ejects the instance at once;
 * - an outlier (consecutive or high-rate timeouts/transport errors, never domain errors) is
 *   ejected while fewer than `maxEjectionPercent` of the instances are;
 * - ejections last base × 2^(n-1) ±20 %, then a probe re-admits the instance or ejects it longer;
 * - an instance busy and silent for `stallMs` takes no new calls (a frozen peer gets no pile-up
 *   before its heartbeats expire).
 */
export class InstancePool {
  private readonly logger = new Logger('RpcClusterClient');
  private readonly members = new Map<string, Member>();
  private readonly leaving = new Set<RpcClient>();
  private subscription: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly outlier: OutlierOptions;

  constructor(
    private readonly registry: ServiceRegistry,
    readonly service: string,
    readonly range: string,
    private readonly options: InstancePoolOptions = {},
  ) {
    this.outlier = { baseMs: options.ejectionBaseMs, maxMs: options.ejectionMaxMs, ...options.outlier };
  }

  start(): void {
    if (this.subscription !== undefined || this.closed) return;
    this.subscription = this.registry.watch(this.service, this.range).subscribe({
      next: (list) => this.update(list),
      error: (err: Error) => this.logger.error(`Discovery of ${this.service}@${this.range} failed: ${err.message}`),
    });
    const stallMs = this.options.stallMs ?? DEFAULT_STALL_MS;
    if (stallMs > 0) {
      this.sweeper = setInterval(() => this.sweep(stallMs), Math.min(stallMs, STALL_SWEEP_INTERVAL_MS));
      this.sweeper.unref();
    }
  }

  /** Every known instance, whatever its state. */
  get all(): ServiceInstance[] {
    return [...this.members.values()].map((m) => m.instance);
  }

  /**
   * Instances fit for new calls: ready and not stalled. When none is, the ready ones, then any
   * that is not draining (better a try than certain failure). `eligible` narrows the choice
   * first (governance), so the fallbacks never reach an instance the rules keep out.
   */
  healthy(eligible?: (id: string) => boolean): ServiceInstance[] {
    const fit: ServiceInstance[] = [];
    let ready = 0;
    let other = 0;
    for (const member of this.members.values()) {
      if (member.draining || (eligible !== undefined && !eligible(member.instance.id))) continue;
      if (member.state !== 'ready') other++;
      else if (member.stalled) ready++;
      else fit.push(member.instance);
    }
    if (fit.length > 0) return fit;
    const usable = (m: Member) => !m.draining && (eligible === undefined || eligible(m.instance.id));
    if (ready > 0) return this.select((m) => usable(m) && m.state === 'ready');
    return other > 0 ? this.select(usable) : fit;
  }

  isEjected(id: string): boolean {
    return this.members.get(id)?.state === 'ejected';
  }

  stateOf(id: string): InstanceState | undefined {
    return this.members.get(id)?.state;
  }

  client(instance: ServiceInstance): RpcClient {
    const member = this.members.get(instance.id);
    if (member === undefined) throw new Error(`Instance ${instance.id} is no longer known`);
    return this.clientOf(member);
  }

  /**
   * Marks a call started on `instance`; the returned function ends it (once): `ok`, an error,
   * or `cancelled` (the caller gave up: no health signal either way).
   */
  begin(instance: ServiceInstance): (outcome: CallOutcome) => void {
    const member = this.members.get(instance.id);
    if (member === undefined) return () => undefined;
    if (member.inFlight++ === 0) member.lastProgressAt = Date.now();
    let ended = false;
    return (outcome) => {
      if (ended) return;
      ended = true;
      member.inFlight = Math.max(0, member.inFlight - 1);
      if (outcome === 'ok') this.onSuccess(instance);
      else if (outcome !== 'cancelled') this.onFailure(instance, outcome.error);
    };
  }

  /** Any answer, even a stream value: the instance is alive. */
  onProgress(instance: ServiceInstance): void {
    const member = this.members.get(instance.id);
    if (member === undefined) return;
    member.lastProgressAt = Date.now();
    member.stalled = false;
  }

  onSuccess(instance: ServiceInstance): void {
    const member = this.members.get(instance.id);
    if (member === undefined) return;
    this.onProgress(instance);
    member.health.record(false);
  }

  onFailure(instance: ServiceInstance, error: unknown): void {
    const member = this.members.get(instance.id);
    if (member === undefined) return;
    if (!isHealthFailure(error)) {
      // The instance answered (e.g. a domain error): healthy, however bad the news.
      this.onSuccess(instance);
      return;
    }
    const outlier = member.health.record(true);
    if (member.state === 'ejected') return;
    if (isConnectionFailure(error)) this.eject(member, error, false);
    else if (outlier) this.ejectOutlier(member, error);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscription?.unsubscribe();
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    const clients: RpcClient[] = [...this.leaving];
    for (const member of this.members.values()) {
      if (member.timer !== undefined) clearTimeout(member.timer);
      if (member.client !== undefined) clients.push(member.client);
    }
    this.members.clear();
    this.leaving.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  private select(predicate: (m: Member) => boolean): ServiceInstance[] {
    return [...this.members.values()].filter(predicate).map((m) => m.instance);
  }

  private clientOf(member: Member): RpcClient {
    if (member.client === undefined) {
      const client = createInstanceClient(member.instance, this.options.transport);
      client.on('goaway', () => (member.draining = true));
      member.client = client;
    }
    return member.client;
  }

  private newMember(instance: ServiceInstance): Member {
    const member: Member = {
      instance,
      client: undefined,
      state: 'probing',
      outlier: false,
      draining: false,
      health: new OutlierDetector(this.outlier),
      timer: undefined,
      inFlight: 0,
      lastProgressAt: 0,
      stalled: false,
    };
    this.members.set(instance.id, member);
    this.probe(member);
    return member;
  }

  private update(list: ServiceInstance[]): void {
    const seen = new Set<string>();
    for (const instance of list) {
      seen.add(instance.id);
      const member = this.members.get(instance.id);
      if (member === undefined) {
        this.newMember(instance);
      } else if (member.instance.host !== instance.host || member.instance.port !== instance.port) {
        this.retire(member);
        this.newMember(instance);
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
    rpcInstrumentation()?.cluster?.({ type: 'instances', service: this.service, range: this.range, byVersion: countByVersion(list) });
  }

  /** Lets a departed instance's connection finish its in-flight calls, then closes it. */
  private retire(member: Member): void {
    if (member.timer !== undefined) clearTimeout(member.timer);
    const client = member.client;
    if (client === undefined) return;
    this.leaving.add(client);
    const deadline = Date.now() + REMOVED_INSTANCE_CLOSE_GRACE_MS;
    const check = () => {
      if (client.pendingCount > 0 && Date.now() < deadline && !this.closed) {
        setTimeout(check, REMOVED_INSTANCE_CHECK_INTERVAL_MS).unref();
        return;
      }
      this.leaving.delete(client);
      void client.close();
    };
    check();
  }

  private ejectOutlier(member: Member, error: unknown): void {
    const total = [...this.members.values()].filter((m) => !m.draining).length;
    const ejected = [...this.members.values()].filter((m) => m.state === 'ejected' && m.outlier).length;
    const cap = Math.max(1, Math.floor((total * (this.options.maxEjectionPercent ?? DEFAULT_MAX_EJECTION_PERCENT)) / 100));
    if (ejected >= cap) {
      this.logger.warn(`${this.address(member)} is an outlier but ${ejected} of ${total} instances are already ejected (cap ${cap}); keeping it`);
      return;
    }
    this.eject(member, error, true);
  }

  private eject(member: Member, error: unknown, outlier: boolean): void {
    if (member.timer !== undefined) clearTimeout(member.timer);
    member.state = 'ejected';
    member.outlier = outlier;
    const delay = member.health.eject();
    rpcInstrumentation()?.cluster?.({ type: 'ejected', service: this.service });
    this.logger.warn(`Ejecting ${member.instance.service}@${member.instance.version} ${this.address(member)} for ${delay} ms: ${(error as Error)?.message ?? String(error)}`);
    member.timer = setTimeout(() => this.probe(member), delay);
    member.timer.unref();
  }

  /** Only an answer to a probe (any answer) lets the instance take traffic. */
  private probe(member: Member): void {
    member.timer = undefined;
    if (this.closed || this.members.get(member.instance.id) !== member) return;
    const timeoutMs = this.options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    probeInstance(this.clientOf(member), timeoutMs)
      .then(
        () => {
          if (this.closed || this.members.get(member.instance.id) !== member) return;
          const wasEjected = member.state === 'ejected';
          member.state = 'ready';
          member.outlier = false;
          member.draining = false;
          member.stalled = false;
          member.health.admit();
          if (wasEjected) this.logger.log(`${this.address(member)} answers again; taking traffic`);
        },
        (err: unknown) => {
          if (this.closed || this.members.get(member.instance.id) !== member) return;
          this.eject(member, err instanceof RpcTimeoutError ? new Error(`probe got no answer within ${timeoutMs} ms`) : err, member.outlier);
        },
      );
  }

  /** Flags instances that are busy and silent: they keep their calls but get no new ones. */
  private sweep(stallMs: number): void {
    const now = Date.now();
    for (const member of this.members.values()) {
      member.stalled = member.inFlight > 0 && now - member.lastProgressAt > stallMs;
    }
  }

  private address(member: Member): string {
    return `${member.instance.host}:${member.instance.port}`;
  }
}

function countByVersion(list: readonly ServiceInstance[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const instance of list) counts.set(instance.version, (counts.get(instance.version) ?? 0) + 1);
  return counts;
}
