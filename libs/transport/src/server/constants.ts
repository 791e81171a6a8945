export const DEFAULT_SERVER_HOST = '0.0.0.0';
export { DEFAULT_PORT as DEFAULT_SERVER_PORT } from '../protocol/constants';
/** Calls running at once on one connection; more are refused with OVERLOADED (retryable). */
export const DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1024;
/** Connections accepted at once (net.Server.maxConnections). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/**
 * Connections from one remote address at once (`maxConnectionsPerAddress`): a tenth of
 * DEFAULT_MAX_CONNECTIONS, so one host cannot lock every other out. 0 disables.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
/** How long drain() lets in-flight calls finish before cutting them (close() cuts at once). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** How long close() waits for each peer to finish the TCP close before destroying the socket: bounds close(). */
export const SERVER_CLOSE_GRACE_MS = 1_000;
/**
 * Server default for `idleTimeoutMs`: a connection with no application frame and nothing in
 * flight for 5 min is closed (clients reconnect on demand). Heartbeats alone do not count.
 */
export const DEFAULT_SERVER_IDLE_TIMEOUT_MS = 300_000;
/**
 * Server default for `handshakeTimeoutMs` (ms): a new connection must send one complete frame
 * (the client's handshake PING does at once) within this long. With TLS it also bounds the TLS
 * handshake (`tls.Server` handshakeTimeout).
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * Server default for `maxPendingFrameBytes`: memory (bytes) held in unfinished frames over all
 * connections. 40 peers each 1 byte short of an 8 MiB frame would otherwise hold 320 MiB.
 */
export const DEFAULT_MAX_PENDING_FRAME_BYTES = 128 * 1024 * 1024;
/**
 * Server default for `maxServerWriteBufferBytes`: unread answers (bytes) over all connections.
 * Above it new calls are refused (retryable ServerOverloadedError) and answers are dropped
 * (ResponseDroppedError) until clients read. 6 non-reading clients once held ≈ 400 MiB.
 */
export const DEFAULT_MAX_SERVER_WRITE_BUFFER_BYTES = 256 * 1024 * 1024;
/** Server default for `writeStallTimeoutMs`: a connection whose write buffer stays full this long (ms) is closed. */
export const DEFAULT_WRITE_STALL_TIMEOUT_MS = 30_000;
/**
 * Default `limits.maxTrackedCallers`: per-caller rate-limit buckets kept at most. A bucket and its
 * key take ~150 bytes, so 10 000 callers cost ~1.5 MB whatever the number of distinct callers.
 */
export const DEFAULT_MAX_TRACKED_CALLERS = 10_000;
/** Server default for `auth.verifyTimeoutMs`: a token verifier that has not answered in this many ms refuses the connection. */
export const DEFAULT_AUTH_VERIFY_TIMEOUT_MS = 5_000;
