/** Call statistics of one instance, as balancers see them. */
export interface InstanceLoad {
  /** Calls in flight right now. */
  readonly active: number;
  /** Exponentially weighted moving average of call latency, ms (0 = no sample yet). */
  readonly ewmaLatencyMs: number;
}

/** Anything that can tell the load of an instance by id; {@link InstanceStats} is one. */
export interface InstanceLoadSource {
  get(instanceId: string): InstanceLoad;
}

export interface PickContext {
  /** Affinity key for 'consistent-hash' (user id, cart id...). Ignored by the other strategies. */
  readonly key?: string;
  /** Per-instance call statistics, used by 'least-active' and 'p2c'. Missing = all idle. */
  readonly stats?: InstanceLoadSource | ((instanceId: string) => InstanceLoad);
}

export const IDLE_LOAD: InstanceLoad = Object.freeze({ active: 0, ewmaLatencyMs: 0 });

/** The load of `instanceId` according to `ctx` (idle when the context carries no stats). */
export function loadOf(ctx: PickContext, instanceId: string): InstanceLoad {
  const source = ctx.stats;
  if (source === undefined) return IDLE_LOAD;
  return typeof source === 'function' ? source(instanceId) : source.get(instanceId);
}
