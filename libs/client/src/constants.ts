export const DEFAULT_CLUSTER_STRATEGY = 'failover';
/** Extra attempts failover may make on other instances. */
export const DEFAULT_RETRIES = 2;
/** Retries may add at most this fraction of extra load (retry budget)... */
export const DEFAULT_RETRY_BUDGET_RATIO = 0.2;
/** ...plus this many retries per second, so low-traffic callers can still retry. */
export const DEFAULT_RETRY_BUDGET_MIN_PER_SECOND = 10;
/** First ejection of an instance whose connection failed; doubles per consecutive failure. */
export const DEFAULT_EJECTION_BASE_MS = 1_000;
export const DEFAULT_EJECTION_MAX_MS = 30_000;
/** Forking: parallel calls per invocation. */
export const DEFAULT_FORKS = 2;
/** Failback: queued calls at most, attempts per call, first retry delay. */
export const DEFAULT_FAILBACK_QUEUE_SIZE = 1_000;
export const DEFAULT_FAILBACK_ATTEMPTS = 5;
export const DEFAULT_FAILBACK_DELAY_MS = 1_000;
/** How long a removed instance's connection may finish in-flight calls before it is closed. */
export const REMOVED_INSTANCE_CLOSE_GRACE_MS = 30_000;
