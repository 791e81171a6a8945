/** What this app's cluster clients see of one instance (only for services the app calls). */
export interface ConsumerView {
  /** Calls in flight from this app. */
  readonly active: number;
  /** Calls completed per second over the last sampling interval. */
  readonly ratePerSecond: number;
  /** Latency EWMA, ms (0 = no call yet). */
  readonly latencyMs: number;
  /** Connection failures took the instance out of this app's candidates for a while. */
  readonly ejected: boolean;
}

/**
 * `up`: takes traffic; `drained`: effective weight 0; `disabled`: by an operator rule; `ejected`:
 * this app's cluster client skips it after connection failures; `registered`: in the registry,
 * not called by this app (no health signal of our own).
 */
export type InstanceHealth = 'up' | 'drained' | 'disabled' | 'ejected' | 'registered';

export interface DashboardInstance {
  readonly id: string;
  readonly address: string;
  readonly weight: number;
  /** After operator overrides. */
  readonly effectiveWeight: number;
  readonly tags: readonly string[];
  readonly ageMs: number;
  readonly health: InstanceHealth;
  readonly consumer?: ConsumerView;
}

export interface DashboardState {
  readonly namespace: string;
  readonly generatedAt: number;
  readonly services: readonly {
    readonly service: string;
    /** Tag routes in force, as `header=value → tag`. */
    readonly routes: readonly string[];
    readonly versions: readonly { readonly version: string; readonly instances: readonly DashboardInstance[] }[];
  }[];
}
