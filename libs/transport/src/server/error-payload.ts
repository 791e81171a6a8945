import { RpcError } from '../errors/rpc.error';

/**
 * What goes back to the caller for a handler failure. Nest's exception filters already turn
 * exceptions into payloads (`RpcException#getError()`, or `{ status: 'error', message }`);
 * this only makes raw `Error`s (from handlers added without Nest's context) serializable.
 */
export function toErrorPayload(error: unknown): unknown {
  if (error instanceof RpcError) return { status: 'error', ...error.toJSON() };
  if (error instanceof Error) return { status: 'error', name: error.name, message: error.message };
  return error;
}
