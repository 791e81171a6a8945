import { RpcError } from './rpc.error';

/** Nest's own text for an unmatched pattern, kept verbatim so code written against Nest's transports keeps matching it. */
export const NO_MESSAGE_HANDLER_MESSAGE = 'There is no matching message handler defined in the remote service.';

/**
 * The server has no handler for the pattern. Not retryable: another instance of the same build
 * has none either. The message is exactly Nest's; the pattern is a property of its own.
 */
export class UnknownPatternError extends RpcError {
  readonly code = 'UNKNOWN_PATTERN';
  constructor(readonly pattern: string) {
    super(NO_MESSAGE_HANDLER_MESSAGE);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), pattern: this.pattern };
  }
}
