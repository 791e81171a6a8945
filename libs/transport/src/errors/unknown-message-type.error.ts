import { ProtocolError } from './protocol.error';

export class UnknownMessageTypeError extends ProtocolError {
  override readonly code = 'UNKNOWN_MESSAGE_TYPE';

  constructor(readonly received: number) {
    super(`Unknown message type ${received}`);
  }
}
