import { createHash } from 'crypto';
import { ServiceInstance } from '../instance/service-instance';

/** Virtual nodes per unit of weight (ketama uses 160 points per server). */
export const DEFAULT_VIRTUAL_NODES = 160;
/** Upper bound on points per instance, whatever its weight. */
const MAX_POINTS_PER_INSTANCE = 16 * DEFAULT_VIRTUAL_NODES;

/**
 * A ketama-style ring: each instance owns `virtualNodes × weight` points placed by MD5 of
 * `<id>-<n>` (4 points per digest), so the points of an instance depend only on its id and
 * weight. When an instance joins or leaves, only the keys on its own arcs move.
 */
export class HashRing {
  private readonly points: Uint32Array;
  private readonly owners: ServiceInstance[];

  constructor(instances: readonly ServiceInstance[], virtualNodes = DEFAULT_VIRTUAL_NODES) {
    const entries: Array<[number, ServiceInstance]> = [];
    for (const instance of instances) {
      const count = Math.min(MAX_POINTS_PER_INSTANCE, Math.max(1, Math.round(virtualNodes * instance.weight)));
      for (let n = 0; n * 4 < count; n++) {
        const digest = createHash('md5').update(`${instance.id}-${n}`).digest();
        for (let k = 0; k < 4 && n * 4 + k < count; k++) entries.push([digest.readUInt32LE(k * 4), instance]);
      }
    }
    // Ties (astronomically rare) are broken by id so every process builds the same ring.
    entries.sort((a, b) => a[0] - b[0] || (a[1].id < b[1].id ? -1 : 1));
    this.points = Uint32Array.from(entries.map((e) => e[0]));
    this.owners = entries.map((e) => e[1]);
  }

  get size(): number {
    return this.points.length;
  }

  /** The instance owning the first point at or after hash(key), wrapping around. */
  lookup(key: string): ServiceInstance | undefined {
    if (this.points.length === 0) return undefined;
    const hash = createHash('md5').update(key).digest().readUInt32LE(0);
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === this.points.length ? 0 : lo];
  }
}
