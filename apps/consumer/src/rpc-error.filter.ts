import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { NoProvidersError, RpcError } from '@nestrpc/client';

const DOMAIN_STATUS: Record<string, number> = {
  OUT_OF_STOCK: HttpStatus.CONFLICT,
  BAD_QUANTITY: HttpStatus.BAD_REQUEST,
};

/**
 * Maps what an RPC call can fail with to HTTP: domain error payloads by their `code`,
 * no providers → 503, timeouts → 504, other transport failures → 502.
 */
@Catch()
export class RpcErrorToHttpFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
    const [status, body] = toHttp(error);
    response.status(status).json(body);
  }
}

function toHttp(error: unknown): [number, unknown] {
  if (error instanceof HttpException) return [error.getStatus(), error.getResponse()];
  if (error instanceof NoProvidersError) return [HttpStatus.SERVICE_UNAVAILABLE, { code: error.code, message: error.message }];
  if (error instanceof RpcError) {
    const status = error.code === 'TIMEOUT' ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_GATEWAY;
    return [status, { code: error.code, message: error.message }];
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in DOMAIN_STATUS) return [DOMAIN_STATUS[code], error];
  return [HttpStatus.BAD_GATEWAY, { code: 'REMOTE_ERROR', error }];
}
