import { RpcError } from './rpc.error';

/**
 * Why a server refused a call for overload: a concurrency limit (`concurrency`), a rate limit
 * (`rate_limit`), or its own memory and connection guards (`in_flight`, `write_buffer`).
 */
export type OverloadReason = 'concurrency' | 'rate_limit' | 'in_flight' | 'write_buffer';

export interface ServerOverloadedDetails {
  reason?: OverloadReason;
  /** rate_limit: when the next call would be admitted (ms from the refusal). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The server refused the call without running it (a concurrency or rate limit, in-flight or
 * write-buffer bound reached): safe to retry, on another instance or later.
 */
export class ServerOverloadedError extends RpcError {
  readonly code = 'OVERLOADED';
  override readonly retryable = true;
  readonly reason: OverloadReason | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: ServerOverloadedDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, retryAfterMs: this.retryAfterMs };
  }
}

/** Alias with the name (`ServerOverloaded`): the same class. */
export { ServerOverloadedError as ServerOverloaded };
