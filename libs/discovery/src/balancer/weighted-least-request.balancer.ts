import { ServiceInstance } from '../instance/service-instance';
import { BalancerOptions, LoadBalancer } from './load-balancer';
import { loadOf, PickContext } from './pick-context';

export interface WeightedLeastRequestOptions extends BalancerOptions {
  /** Latencies below this (ms) count as equal, so sub-millisecond noise does not shift the shares. Default 5. */
  latencyFloorMs?: number;
  /** Instances up to this many times slower than the fastest count as equally fast (noise). Default 1.5. */
  latencyTolerance?: number;
}

/** Latency ratio below which instances count as equally fast. */
export const DEFAULT_LATENCY_TOLERANCE = 1.5;

/** Latency below which instances count as equally fast. */
export const DEFAULT_LATENCY_FLOOR_MS = 5;

/**
 * The load-aware default: smooth weighted round robin over *effective* weights
 * `weight / (pile-up × slowness)`, where
 * - pile-up = 1 + calls in flight per unit of weight, relative to the least loaded instance, and
 * - slowness = EWMA latency relative to the fastest instance, beyond a tolerance (both ≥ 1; see
 *   `latencyFloorMs` and `latencyTolerance`).
 *
 * Healthy instances (equal latency, in-flight calls in proportion to their weights) keep
 * exactly their configured shares; a slow instance's share falls with its latency; one that
 * piles up calls (frozen, overloaded) stops getting more. No instance's share ever reaches 0,
 * so a recovered one is noticed. Failures should be fed as high latency (the cluster client
 * charges a penalty), so an instance never looks cheap because it fails fast.
 */
export class WeightedLeastRequestBalancer extends LoadBalancer {
  readonly name: string = 'weighted-least-request';
  private readonly floor: number;
  private readonly tolerance: number;
  private current = new Map<string, number>();
  private readonly loads: number[] = [];
  private readonly latencies: number[] = [];

  constructor(options: WeightedLeastRequestOptions = {}) {
    super(options);
    this.floor = options.latencyFloorMs ?? DEFAULT_LATENCY_FLOOR_MS;
    this.tolerance = options.latencyTolerance ?? DEFAULT_LATENCY_TOLERANCE;
    if (!(this.floor > 0)) throw new RangeError(`latencyFloorMs must be positive, got ${options.latencyFloorMs}`);
    if (!(this.tolerance >= 1)) throw new RangeError(`latencyTolerance must be ≥ 1, got ${options.latencyTolerance}`);
  }

  protected choose(candidates: readonly ServiceInstance[], ctx: PickContext): ServiceInstance {
    if (this.current.size > candidates.length * 2) this.prune(candidates);
    let leastLoad = Infinity;
    let leastLatency = Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const { active, ewmaLatencyMs } = loadOf(ctx, candidates[i].id);
      const load = 1 + active / candidates[i].weight;
      const latency = ewmaLatencyMs + this.floor;
      this.loads[i] = load;
      this.latencies[i] = latency;
      if (load < leastLoad) leastLoad = load;
      if (latency < leastLatency) leastLatency = latency;
    }
    let total = 0;
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      const slowness = Math.max(1, this.latencies[i] / leastLatency / this.tolerance);
      const effective = (c.weight * leastLoad) / (this.loads[i] * slowness);
      const value = (this.current.get(c.id) ?? 0) + effective;
      this.current.set(c.id, value);
      total += effective;
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    const chosen = candidates[best];
    this.current.set(chosen.id, bestValue - total);
    return chosen;
  }

  /** Forgets departed instances so the map does not grow with churn. */
  private prune(candidates: readonly ServiceInstance[]): void {
    const live = new Set(candidates.map((c) => c.id));
    for (const id of this.current.keys()) if (!live.has(id)) this.current.delete(id);
  }
}
