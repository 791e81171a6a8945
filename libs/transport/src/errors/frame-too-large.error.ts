import { ProtocolError } from './protocol.error';

/**
 * A frame is larger than the configured `maxFrameBytes`. Raised by the decoder from the
 * declared length (before anything is buffered) and by the encoder before anything is sent.
 */
export class FrameTooLargeError extends ProtocolError {
  override readonly code = 'FRAME_TOO_LARGE';

  constructor(readonly frameBytes: number, readonly maxFrameBytes: number, what = 'Frame') {
    super(`${what} of ${frameBytes} bytes exceeds the limit of ${maxFrameBytes} bytes (maxFrameBytes)`);
  }
}
