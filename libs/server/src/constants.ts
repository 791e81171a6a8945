export const RPC_SERVICE_METADATA = 'nestrpc:rpc-service';
/** After deregistering, wait this long for consumers' watchers to drop the instance before draining. */
export const DEFAULT_DEREGISTER_GRACE_MS = 2_000;
export const DEFAULT_SERVICE_VERSION = '1.0.0';
export const DEFAULT_SERVICE_WEIGHT = 1;
