/** etcd registry limits and timings: every one a named constant with its unit. */
/** Key prefix: `/<namespace>/services/...`. */
export const DEFAULT_NAMESPACE = 'nestrpc';
/** Lease TTL: how long an instance survives its process dying without deregistering. */
export const DEFAULT_LEASE_TTL_SECONDS = 10;
/** Deadline of every unary etcd call (get, put, delete, lease grant/revoke) and of watch creation. */
export const DEFAULT_ETCD_CALL_TIMEOUT_MS = 3_000;
/** Bound on each shutdown step (cancel watchers, revoke lease) when etcd does not answer. */
export const DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS = 1_000;
/** First and largest delay between attempts to re-grant a lost lease or re-list a service. */
export const DEFAULT_RETRY_INITIAL_DELAY_MS = 100;
export const DEFAULT_RETRY_MAX_DELAY_MS = 2_000;
/**
 * Every etcd retry is randomized by ±this fraction of its base delay: after an etcd restart all
 * processes of the fleet retry at once, and a wide spread keeps them from arriving together.
 */
export const DEFAULT_RETRY_JITTER = 0.5;
/** The retry curve of lease re-grants and re-lists, as @nestrpc/common's Backoff takes it. */
export const ETCD_RETRY_BACKOFF = { initialDelayMs: DEFAULT_RETRY_INITIAL_DELAY_MS, maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS, jitter: DEFAULT_RETRY_JITTER } as const;
/** How long an unexpected empty list is held back before it is believed (see emptyPushProtection). */
export const DEFAULT_EMPTY_PUSH_HOLD_MS = 15_000;
/** After a watch stream reconnects, drops to an empty list during this window are treated as suspect. */
export const EMPTY_PUSH_RECONNECT_WINDOW_MS = 5_000;
/** Delay that batches snapshot writes after changes. */
export const SNAPSHOT_WRITE_DELAY_MS = 250;
/** gRPC keepalive: notices a frozen or partitioned etcd (etcd refuses pings more often than every 5 s). */
export const GRPC_KEEPALIVE_TIME_MS = 5_000;
export const GRPC_KEEPALIVE_TIMEOUT_MS = 2_000;
/** Watch stream reconnect backoff (etcd3's default grows to 30 s; we want to resume quickly). */
export const WATCH_RECONNECT_INITIAL_DELAY_MS = 100;
export const WATCH_RECONNECT_MAX_DELAY_MS = 1_000;
export const WATCH_RECONNECT_BACKOFF = { initialDelayMs: WATCH_RECONNECT_INITIAL_DELAY_MS, maxDelayMs: WATCH_RECONNECT_MAX_DELAY_MS, jitter: DEFAULT_RETRY_JITTER } as const;
/** Per-endpoint circuit breaker: opens after 3 failures in a row, half-opens after 500 ms. */
export const HOST_BREAKER_FAILURES = 3;
export const HOST_BREAKER_HALF_OPEN_AFTER_MS = 500;
