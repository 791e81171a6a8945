import { ReadTimeoutError } from '../errors/read-timeout.error';
import { RpcError } from '../errors/rpc.error';
import { WriteBufferFullError } from '../errors/write-buffer-full.error';

export interface DeadlineLimits {
  /** A frame once started must be complete within this (ms); 0 = off. */
  frameMs: number;
  /** The first complete frame must arrive within this of connecting (ms); 0 = off. */
  handshakeMs: number;
  /** The write buffer must not stay above half its bound longer than this (ms); 0 = off. */
  stallMs: number;
  maxWriteBufferBytes: number;
}

/**
 * The time bounds a peer cannot satisfy by sending bytes: finishing a frame, sending a first
 * frame, and reading what it asked for. Checked on the connection's heartbeat timer.
 */
export class ReadWriteDeadlines {
  private readonly openedAt = Date.now();
  /** When the frame now being assembled got its first byte; 0 when none is partial. */
  private partialSince = 0;
  /** Since when the write buffer has been above half its bound; 0 otherwise. */
  private fullSince = 0;

  constructor(private readonly limits: DeadlineLimits) {}

  /** After each read: `pendingBytes` of a partial frame left, `completed` whether a frame finished in it. */
  onRead(now: number, pendingBytes: number, completed: boolean): void {
    // The read timeout runs from a frame's first byte: a completed frame restarts it.
    if (pendingBytes === 0) this.partialSince = 0;
    else if (this.partialSince === 0 || completed) this.partialSince = now;
  }

  /** The error to close with, if a bound is exceeded now. */
  check(now: number, peerHeard: boolean, writableBytes: number): RpcError | undefined {
    const { frameMs, handshakeMs, stallMs, maxWriteBufferBytes } = this.limits;
    if (stallMs > 0) {
      // Above half the bound all along: the kernel taking a few more KiB now and then is not
      // progress (a full buffer sheds answers, so it hovers just under the bound); draining is.
      if (writableBytes < maxWriteBufferBytes / 2) this.fullSince = 0;
      else if (this.fullSince === 0) this.fullSince = now;
      else if (now - this.fullSince >= stallMs) {
        return new WriteBufferFullError(writableBytes, maxWriteBufferBytes);
      }
    }
    if (frameMs > 0 && this.partialSince > 0 && now - this.partialSince >= frameMs) {
      return new ReadTimeoutError('frame', now - this.partialSince, frameMs);
    }
    if (handshakeMs > 0 && !peerHeard && now - this.openedAt >= handshakeMs) {
      return new ReadTimeoutError('handshake', now - this.openedAt, handshakeMs);
    }
    return undefined;
  }
}
