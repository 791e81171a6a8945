import { RpcError } from '@nestrpc/common';

/** The service's bulkhead is full (`maxConcurrent` calls running and `maxQueued` waiting): refused here, not sent. */
export class BulkheadRejectedError extends RpcError {
  readonly code = 'BULKHEAD_REJECTED';
  override readonly retryable = true;

  constructor(
    readonly service: string,
    readonly maxConcurrent: number,
    readonly maxQueued: number,
    options?: { cause?: unknown },
  ) {
    super(`${service}: ${maxConcurrent} calls already running and ${maxQueued} queued (bulkhead); this one was not sent`, options);
  }
}
