/** Base of every error thrown by @nestrpc/discovery: a stable `code`, a retry hint and the cause. */
export class DiscoveryError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `REGISTRY_UNAVAILABLE`. */
    readonly code: string,
    /** True when the same call may succeed later without any change (outage, nobody registered yet). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
