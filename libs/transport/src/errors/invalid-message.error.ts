import { RpcError } from './rpc.error';

/** The call cannot be sent as given (e.g. no pattern). */
export class InvalidMessageError extends RpcError {
  readonly code = 'INVALID_MESSAGE';
}
