import { RpcError } from './rpc.error';

/** Nest's text for a guard that returned false (`@nestjs/core` FORBIDDEN_MESSAGE), kept so code matching it keeps working. */
export const FORBIDDEN_MESSAGE = 'Forbidden resource';

/**
 * The caller is authenticated but may not make this call: a guard returned false (or threw
 * ForbiddenException) or a handler threw this. The handler did not run (for a guard). Not
 * retryable: the same identity is refused again.
 */
export class ForbiddenError extends RpcError {
  readonly code = 'FORBIDDEN';

  constructor(message = FORBIDDEN_MESSAGE, readonly pattern?: string) {
    super(message);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), pattern: this.pattern };
  }
}
