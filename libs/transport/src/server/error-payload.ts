import { HttpException } from '@nestjs/common';
import { types } from 'util';
import { RpcException } from '@nestjs/microservices';
import { RpcError } from '../errors/rpc.error';
import { FORBIDDEN_MESSAGE, ForbiddenError } from '../errors/forbidden.error';

const FORBIDDEN_STATUS = 403;

/**
 * The typed error for a refusal by a guard: Nest's microservice pipeline turns a guard's
 * `false` into `RpcException('Forbidden resource')`, its exception filter into
 * `{ status: 'error', message: 'Forbidden resource' }`, the starters' external context into
 * ForbiddenException; a handler may throw ForbiddenError itself. Undefined for anything else.
 */
export function forbiddenErrorOf(error: unknown, pattern: string): ForbiddenError | undefined {
  if (error instanceof ForbiddenError) return error;
  if (error instanceof HttpException) return error.getStatus() === FORBIDDEN_STATUS ? new ForbiddenError(error.message, pattern) : undefined;
  const payload = error instanceof RpcException ? error.getError() : error;
  if (payload === FORBIDDEN_MESSAGE) return new ForbiddenError(FORBIDDEN_MESSAGE, pattern);
  if (payload !== null && typeof payload === 'object' && Object.keys(payload).length === 2) {
    const { status, message } = payload as Record<string, unknown>;
    if (status === 'error' && message === FORBIDDEN_MESSAGE) return new ForbiddenError(FORBIDDEN_MESSAGE, pattern);
  }
  return undefined;
}

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
