import { RpcError } from './rpc.error';

/** The server has no handler for the pattern. Not retryable: another instance of the same build has none either. */
export class UnknownPatternError extends RpcError {
  readonly code = 'UNKNOWN_PATTERN';

  constructor(readonly pattern: string, message?: string) {
    super(message ?? `There is no matching message handler defined in the remote service (pattern: ${pattern})`);
  }
}
