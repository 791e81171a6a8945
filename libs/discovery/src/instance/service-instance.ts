/** One running provider of one version of one service, as published in the registry. */
export interface ServiceInstance {
  /** Unique per registration; the last segment of the etcd key. `[A-Za-z0-9_.:-]{1,200}`. */
  readonly id: string;
  /** Service name, e.g. `HelloService`. */
  readonly service: string;
  /** Exact semver version this instance serves, e.g. `1.4.0`. */
  readonly version: string;
  readonly host: string;
  readonly port: number;
  /** Relative share of new traffic. 0 = registered but takes no new traffic (draining, warm-up). */
  readonly weight: number;
  /** Serializer names the instance accepts, e.g. `['json', 'msgpack']`. */
  readonly serializers: readonly string[];
  /** Wire protocol version spoken by the instance. */
  readonly protocolVersion: number;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Epoch milliseconds when the instance started. */
  readonly startedAt: number;
}

/** What `register()` accepts: the identity is required, everything else has a default. */
export interface ServiceInstanceInit {
  id: string;
  service: string;
  version: string;
  host: string;
  port: number;
  /** Default {@link DEFAULT_INSTANCE_WEIGHT} (1); 0..{@link MAX_INSTANCE_WEIGHT} (10 000). */
  weight?: number;
  /** Default `[]` (unknown: callers use their own default serializer). */
  serializers?: readonly string[];
  /** Default {@link DEFAULT_PROTOCOL_VERSION} (1). */
  protocolVersion?: number;
  /** Default `[]`. */
  tags?: readonly string[];
  /** Default `{}`. */
  metadata?: Readonly<Record<string, string>>;
  /** Default: now. */
  startedAt?: number;
}

export const DEFAULT_INSTANCE_WEIGHT = 1;
/**
 * Largest instance weight (a relative share of traffic, unitless). Above it `register()` and
 * `update()` refuse the instance; a value read from the registry (written by another process)
 * is clamped to it with a warning, so no one registration (e.g. weight 1e308) takes all traffic.
 */
export const MAX_INSTANCE_WEIGHT = 10_000;
export const DEFAULT_PROTOCOL_VERSION = 1;
