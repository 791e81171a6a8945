import { ProtocolError } from './protocol.error';

export class UnsupportedVersionError extends ProtocolError {
  override readonly code = 'UNSUPPORTED_VERSION';

  constructor(readonly received: number, readonly supported: number) {
    super(`Unsupported protocol version ${received} (this side speaks version ${supported})`);
  }
}
