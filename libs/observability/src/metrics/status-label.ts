import { errorTypeOf } from '../tracing/rpc-semantics';

/** Status label values beyond this many distinct ones become `OTHER`: label cardinality stays bounded. */
export const MAX_STATUS_VALUES = 64;

/** `OK`, or the error's stable code (RpcError `code`, an RpcException's code), capped in variety. */
export class StatusLabels {
  private readonly seen = new Set<string>(['OK', 'OTHER']);

  of(error: unknown): string {
    if (error === undefined) return 'OK';
    const type = errorTypeOf(error);
    if (this.seen.has(type)) return type;
    if (this.seen.size >= MAX_STATUS_VALUES) return 'OTHER';
    this.seen.add(type);
    return type;
  }
}

/** Why the server refused a call, as a bounded `reason` label. */
export function rejectionReason(error: unknown): string {
  switch ((error as { code?: unknown })?.code) {
    case 'OVERLOADED':
      // A rate limit is the server's flow control, not saturation: told apart for alerting.
      return (error as { reason?: unknown }).reason === 'rate_limit' ? 'rate_limit' : 'overload';
    case 'DRAINING':
      return 'draining';
    case 'FRAME_TOO_LARGE':
      return 'too_large';
    case 'UNKNOWN_PATTERN':
      return 'unknown_pattern';
    default:
      return 'invalid';
  }
}
