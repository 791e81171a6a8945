import { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_MISSED_HEARTBEATS } from '@nestrpc/transport';

export const DEFAULT_CLUSTER_STRATEGY = 'failover';
/** Extra attempts failover may make on other instances. */
export const DEFAULT_RETRIES = 2;
/** Retries may add at most this fraction of extra load (retry budget)... */
export const DEFAULT_RETRY_BUDGET_RATIO = 0.2;
/** ...plus this many retries per second, so low-traffic callers can still retry. */
export const DEFAULT_RETRY_BUDGET_MIN_PER_SECOND = 10;
/** First ejection of an unhealthy instance; doubles per ejection in a row (±20 % jitter). */
export const DEFAULT_EJECTION_BASE_MS = 1_000;
export const DEFAULT_EJECTION_MAX_MS = 30_000;
/** Ejection lengths are randomized by ±this fraction, so instances ejected together are not probed together. */
export const DEFAULT_EJECTION_JITTER = 0.2;
/** A healthy stretch this many ejection bases long forgets past ejections: the next one starts short again. */
export const EJECTION_MEMORY_BASES = 10;
/** Outlier detection: consecutive health failures, or failure rate over a window of at least N calls. */
export const DEFAULT_OUTLIER_CONSECUTIVE_FAILURES = 5;
export const DEFAULT_OUTLIER_FAILURE_RATE = 0.5;
export const DEFAULT_OUTLIER_MIN_CALLS = 10;
export const DEFAULT_OUTLIER_WINDOW_MS = 5_000;
/** At most this share of the instances may be ejected as outliers at once (at least one may). */
export const DEFAULT_MAX_EJECTION_PERCENT = 50;
/** An instance with calls in flight and no answer for this long takes no new calls (pile-up guard). */
export const DEFAULT_STALL_MS = 1_000;
/** A probe (connect + one round trip) must answer within this time for the instance to take traffic. */
export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;
/** How often the pool looks for stalled instances. */
export const STALL_SWEEP_INTERVAL_MS = 250;
/** Latency charged to the balancer's stats for a health failure, so fast failures never look cheap. */
export const FAILURE_PENALTY_MS = 1_000;
/**
 * Connection defaults of the per-instance connections (override with `transport`): the
 * transport's heartbeats (a peer silent for 2 × 1 s is dead, so a frozen instance is detected
 * within 3 s), and 1 s for a connection attempt instead of the transport's 5 s.
 */
export const CLUSTER_HEARTBEAT_INTERVAL_MS = DEFAULT_HEARTBEAT_INTERVAL_MS;
export const CLUSTER_MISSED_HEARTBEATS = DEFAULT_MISSED_HEARTBEATS;
export const CLUSTER_CONNECT_TIMEOUT_MS = 1_000;
/** Forking: parallel calls per invocation. */
export const DEFAULT_FORKS = 2;
/** Failback: queued calls at most, attempts per call, first retry delay. */
export const DEFAULT_FAILBACK_QUEUE_SIZE = 1_000;
export const DEFAULT_FAILBACK_ATTEMPTS = 5;
export const DEFAULT_FAILBACK_DELAY_MS = 1_000;
/** Failback retry delays double per failed round up to this, randomized by ±DEFAULT_FAILBACK_JITTER. */
export const DEFAULT_FAILBACK_MAX_DELAY_MS = 30_000;
export const DEFAULT_FAILBACK_JITTER = 0.2;
/** How long a removed instance's connection may finish in-flight calls before it is closed. */
export const REMOVED_INSTANCE_CLOSE_GRACE_MS = 30_000;
/** How often a removed instance's connection is checked for calls still in flight. */
export const REMOVED_INSTANCE_CHECK_INTERVAL_MS = 100;
/** Pattern of the probe call: no handler serves it, so any answer (UnknownPattern) proves the peer alive. */
export const PROBE_PATTERN = '$nestrpc.probe';
