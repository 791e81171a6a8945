/** Options every nestrpc error accepts: the underlying failure, kept as the standard `cause`. */
export interface RpcErrorOptions {
  cause?: unknown;
}

/**
 * The one base of every error raised by nestrpc itself (transport, discovery, starters, CLI),
 * never by user handlers. One `instanceof RpcError` catches them all.
 *
 * `code` is stable and meant for programs; `retryable` says whether the same call may be
 * sent again (to this or another instance, or later) without risk of running it twice;
 * `cause` is the failure underneath, when there is one.
 */
export abstract class RpcError extends Error {
  abstract readonly code: string;
  readonly retryable: boolean = false;

  constructor(message: string, options?: RpcErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** What goes on the wire and into logs: never the stack, never the cause. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}
