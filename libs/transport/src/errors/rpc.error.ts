/**
 * Base of every error raised by nestrpc itself (not by user handlers).
 *
 * `code` is stable and meant for programs; `retryable` says whether the same call may be
 * sent again (to this or another instance) without risk of running it twice.
 */
export abstract class RpcError extends Error {
  abstract readonly code: string;
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable };
  }
}
