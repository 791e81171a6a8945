import { RpcError } from './rpc.error';

/**
 * The remote handler failed. `payload` is what the server's exception filter produced
 * (the argument of `RpcException`, or `{ status: 'error', message }`), unchanged.
 */
export class RemoteError extends RpcError {
  readonly code: string;

  constructor(readonly payload: unknown) {
    super(RemoteError.messageOf(payload));
    const code = RemoteError.field(payload, 'code');
    this.code = typeof code === 'string' ? code : 'REMOTE_ERROR';
  }

  private static messageOf(payload: unknown): string {
    if (typeof payload === 'string') return payload;
    const message = RemoteError.field(payload, 'message');
    return typeof message === 'string' ? message : 'Remote handler failed';
  }

  private static field(payload: unknown, key: string): unknown {
    return payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[key] : undefined;
  }
}
