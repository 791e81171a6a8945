import { RpcError, RpcErrorOptions } from '@nestrpc/common';

/**
 * Base of every error thrown by @nestrpc/discovery. A nestrpc `RpcError` (from @nestrpc/common),
 * so one `instanceof RpcError` covers discovery and transport failures; `instanceof
 * DiscoveryError` still narrows to discovery's.
 */
export class DiscoveryError extends RpcError {
  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `REGISTRY_UNAVAILABLE`. */
    readonly code: string,
    /** True when the same call may succeed later without any change (outage, nobody registered yet). */
    override readonly retryable: boolean,
    options?: RpcErrorOptions,
  ) {
    super(message, options);
  }
}
