import { HttpException } from '@nestjs/common';
import { types } from 'util';
import { RpcException } from '@nestjs/microservices';
import { RpcError } from '../errors/rpc.error';

/**
 * What goes back to the caller for a handler failure. Nest's exception filters already turn
 * exceptions into payloads (`RpcException#getError()`, or `{ status: 'error', message }`);
 * this does the same for handlers run outside that pipeline (the starters' external context,
 * `addHandler`): `RpcException` → its error, `HttpException` (e.g. a guard's ForbiddenException)
 * → its response body, any other `Error` → `{ status, name, message }`.
 */
export function toErrorPayload(error: unknown): unknown {
  if (error instanceof RpcException) return error.getError();
  if (error instanceof HttpException) {
    const response = error.getResponse();
    return typeof response === 'object' ? { status: 'error', ...response } : { status: 'error', statusCode: error.getStatus(), message: response };
  }
  if (error instanceof RpcError) return { status: 'error', ...error.toJSON() };
  if (error instanceof Error || types.isNativeError(error)) return { status: 'error', name: error.name, message: error.message };
  return error;
}
