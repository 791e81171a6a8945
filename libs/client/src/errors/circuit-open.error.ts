import { RpcError } from '@nestrpc/common';

/**
 * The service's circuit breaker is open (its recent calls failed): the call was refused here,
 * with no network I/O. Safe to retry once the breaker lets a probe through (`halfOpenAfterMs`).
 */
export class CircuitOpenError extends RpcError {
  readonly code = 'CIRCUIT_OPEN';
  override readonly retryable = true;

  constructor(
    readonly service: string,
    options?: { cause?: unknown },
  ) {
    super(`The circuit breaker of ${service} is open: its recent calls failed, so this one was not sent`, options);
  }
}
