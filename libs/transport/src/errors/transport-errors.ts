import { RemoteError } from './remote.error';
import { RpcError } from './rpc.error';
import { ServerDrainingError } from './server-draining.error';
import { ServerOverloadedError } from './server-overloaded.error';
import { UnknownPatternError } from './unknown-pattern.error';

/** Body of an ERROR frame flagged TransportError. */
export interface TransportErrorPayload {
  code: string;
  message: string;
  retryable?: boolean;
  pattern?: string;
}

export function toTransportErrorPayload(error: RpcError, pattern?: string): TransportErrorPayload {
  return { code: error.code, message: error.message, retryable: error.retryable, pattern };
}

/** Turns a transport error payload from the server back into the matching typed error. */
export function fromTransportErrorPayload(payload: unknown, address: string): RpcError {
  const p = (payload ?? {}) as Partial<TransportErrorPayload>;
  switch (p.code) {
    case 'DRAINING':
      return new ServerDrainingError(address);
    case 'OVERLOADED':
      return new ServerOverloadedError(p.message ?? `${address} is overloaded`);
    case 'UNKNOWN_PATTERN':
      return new UnknownPatternError(p.pattern ?? '?', p.message);
    default:
      return new RemoteError(payload);
  }
}
