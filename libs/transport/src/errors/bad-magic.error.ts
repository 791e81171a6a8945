import { ProtocolError } from './protocol.error';

export class BadMagicError extends ProtocolError {
  override readonly code = 'BAD_MAGIC';

  constructor(readonly received: number) {
    super(`Bad frame magic 0x${received.toString(16).padStart(4, '0')}: the peer does not speak the nestrpc protocol`);
  }
}
