import { RpcError } from './rpc.error';

/** A wire pattern is not `Service.method` (see `parseMethodPattern`). */
export class InvalidPatternError extends RpcError {
  readonly code = 'INVALID_PATTERN';

  constructor(
    readonly pattern: unknown,
    reason: string,
  ) {
    super(`Invalid pattern ${JSON.stringify(pattern)}: ${reason}`);
  }
}
