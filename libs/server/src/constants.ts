export const RPC_SERVICE_METADATA = 'nestrpc:rpc-service';
/** After deregistering, wait this long for consumers' watchers to drop the instance before draining. */
export const DEFAULT_DEREGISTER_GRACE_MS = 2_000;
export const DEFAULT_SERVICE_VERSION = '1.0.0';
export const DEFAULT_SERVICE_WEIGHT = 1;
/**
 * Where the server listens unless `listen.host` says otherwise: loopback, as Nest's own TCP
 * transport does, so `listen: { port: 0 }` registers an address that works on this machine
 * instead of guessing one of its external interfaces.
 */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';
