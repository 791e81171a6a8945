/** How a registry's watch of one service gets its list: from etcd now, or from its last known list. */
export type WatchState = 'live' | 'cache';

/** What a registry can tell health checks without a round trip (all from state it keeps anyway). */
export interface RegistryHealth {
  /** Instances this process registered and keeps registered. */
  readonly registered: number;
  /** The lease holding them is alive (true while nothing is registered). False between a lost lease and its re-grant. */
  readonly leaseAlive: boolean;
  /** Per watched service. */
  readonly watches: Readonly<Record<string, WatchState>>;
}
