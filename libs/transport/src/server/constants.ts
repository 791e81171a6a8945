export const DEFAULT_SERVER_HOST = '0.0.0.0';
export const DEFAULT_SERVER_PORT = 7100;
/** Calls running at once on one connection; more are refused with OVERLOADED (retryable). */
export const DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1024;
/** Connections accepted at once (net.Server.maxConnections). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** How long close()/drain() lets in-flight calls finish before cutting connections. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
export const NO_MESSAGE_HANDLER_MESSAGE = 'There is no matching message handler defined in the remote service.';
