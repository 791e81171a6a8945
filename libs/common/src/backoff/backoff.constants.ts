/** First delay of a backoff series. */
export const DEFAULT_BACKOFF_INITIAL_DELAY_MS = 100;
/** Ceiling of every delay, jitter included. */
export const DEFAULT_BACKOFF_MAX_DELAY_MS = 10_000;
/** Growth of the base delay per attempt. */
export const DEFAULT_BACKOFF_MULTIPLIER = 2;
/**
 * Each delay is the base randomized by ±this fraction, so callers that failed together (clients of
 * a restarted server, watchers of a restarted etcd) do not come back in lockstep.
 */
export const DEFAULT_BACKOFF_JITTER = 0.2;
