/** Per-call timeout when none is given: time allowed for the answer (or, in a stream, between frames). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** Time allowed for TCP (+TLS) connection set-up. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_RECONNECT_INITIAL_DELAY_MS = 100;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 10_000;
export const DEFAULT_RECONNECT_MULTIPLIER = 2;
/** Each delay is randomized by ±this fraction, so clients of a restarted server do not return in lockstep. */
export const DEFAULT_RECONNECT_JITTER = 0.2;
/** The reconnect curve, as @nestrpc/common's Backoff takes it; `reconnect` options override each field. */
export const RECONNECT_BACKOFF = {
  initialDelayMs: DEFAULT_RECONNECT_INITIAL_DELAY_MS,
  maxDelayMs: DEFAULT_RECONNECT_MAX_DELAY_MS,
  multiplier: DEFAULT_RECONNECT_MULTIPLIER,
  jitter: DEFAULT_RECONNECT_JITTER,
} as const;
/**
 * Sequence id of the handshake PING that carries a credential: its PONG, and only its PONG,
 * says the server accepted the credential (heartbeat PINGs use 0).
 */
export const HANDSHAKE_PING_SEQ = 1;
