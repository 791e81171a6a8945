export const DEFAULT_SERVER_HOST = '0.0.0.0';
export { DEFAULT_PORT as DEFAULT_SERVER_PORT } from '../protocol/constants';
/** Calls running at once on one connection; more are refused with OVERLOADED (retryable). */
export const DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1024;
/** Connections accepted at once (net.Server.maxConnections). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** How long drain() lets in-flight calls finish before cutting them (close() cuts at once). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
/** How long close() waits for each peer to finish the TCP close before destroying the socket: bounds close(). */
export const SERVER_CLOSE_GRACE_MS = 1_000;
