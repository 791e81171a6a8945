import { ProtocolError } from './protocol.error';

export class UnknownSerializerError extends ProtocolError {
  override readonly code = 'UNKNOWN_SERIALIZER';

  constructor(readonly serializer: number | string, known: readonly (number | string)[] = []) {
    super(
      `Unknown serializer ${JSON.stringify(serializer)}` +
        (known.length ? ` (known: ${known.map((k) => JSON.stringify(k)).join(', ')})` : ''),
    );
  }
}
