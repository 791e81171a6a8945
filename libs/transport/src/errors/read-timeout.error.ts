import { RpcError } from './rpc.error';

/**
 * The peer started a frame and did not finish it within `frameTimeoutMs`, or sent no complete
 * frame within `handshakeTimeoutMs` of connecting. Bytes alone are not liveness: a peer
 * dripping one byte at a time must not hold a connection and its buffers forever.
 */
export class ReadTimeoutError extends RpcError {
  readonly code = 'READ_TIMEOUT';

  constructor(readonly what: 'frame' | 'handshake', readonly elapsedMs: number, readonly limitMs: number) {
    super(
      what === 'frame'
        ? `A frame stayed incomplete for ${elapsedMs} ms (frameTimeoutMs=${limitMs})`
        : `No complete frame ${elapsedMs} ms after connecting (handshakeTimeoutMs=${limitMs})`,
    );
  }
}
