import { RemoteError } from './remote.error';
import { ResponseDroppedError } from './response-dropped.error';
import { StreamBackpressureError } from './stream-backpressure.error';
import { ServerClosedError } from './server-closed.error';
import { RpcTimeoutError } from './timeout.error';
import { RpcError } from './rpc.error';
import { ServerDrainingError } from './server-draining.error';
import { OverloadReason, ServerOverloadedError } from './server-overloaded.error';
import { UnknownPatternError } from './unknown-pattern.error';
import { AuthenticationError } from './authentication.error';
import { ForbiddenError } from './forbidden.error';

/** Body of an ERROR frame flagged TransportError. */
export interface TransportErrorPayload {
  code: string;
  message: string;
  retryable?: boolean;
  pattern?: string;
  /** TIMEOUT only: the time the server allowed the call. */
  timeoutMs?: number;
  /** OVERLOADED only: which limit refused it, and (rate_limit) when to try again. */
  reason?: OverloadReason;
  retryAfterMs?: number;
}

export function toTransportErrorPayload(error: RpcError, pattern?: string): TransportErrorPayload {
  const payload: TransportErrorPayload = { code: error.code, message: error.message, retryable: error.retryable, pattern };
  if (error instanceof RpcTimeoutError) payload.timeoutMs = error.timeoutMs;
  if (error instanceof ServerOverloadedError) {
    if (error.reason !== undefined) payload.reason = error.reason;
    if (error.retryAfterMs !== undefined) payload.retryAfterMs = error.retryAfterMs;
  }
  return payload;
}

/** Turns a transport error payload from the server back into the matching typed error. */
export function fromTransportErrorPayload(payload: unknown, address: string): RpcError {
  const p = (payload ?? {}) as Partial<TransportErrorPayload>;
  switch (p.code) {
    case 'DRAINING':
      return new ServerDrainingError(address);
    case 'OVERLOADED':
      return new ServerOverloadedError(p.message ?? `${address} is overloaded`, { reason: overloadReasonOf(p.reason), retryAfterMs: typeof p.retryAfterMs === 'number' ? p.retryAfterMs : undefined });
    case 'UNKNOWN_PATTERN':
      return new UnknownPatternError(p.pattern ?? '?');
    case 'TIMEOUT':
      return new RpcTimeoutError(p.pattern ?? '?', p.timeoutMs ?? 0);
    case 'SERVER_CLOSED':
      return new ServerClosedError(address);
    case 'RESPONSE_DROPPED':
      return new ResponseDroppedError(p.pattern ?? '?');
    case 'STREAM_BACKPRESSURE':
      return new StreamBackpressureError(p.pattern ?? '?');
    case 'UNAUTHENTICATED':
      return new AuthenticationError(p.message);
    case 'FORBIDDEN':
      return new ForbiddenError(p.message, p.pattern);
    default:
      return new RemoteError(payload);
  }
}

const OVERLOAD_REASONS: ReadonlySet<string> = new Set<OverloadReason>(['concurrency', 'rate_limit', 'in_flight', 'write_buffer']);

/** Only the reasons this version knows: a peer cannot put arbitrary strings into metrics labels. */
function overloadReasonOf(value: unknown): OverloadReason | undefined {
  return typeof value === 'string' && OVERLOAD_REASONS.has(value) ? (value as OverloadReason) : undefined;
}
