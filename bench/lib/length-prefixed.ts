import { Socket } from 'net';

export const LENGTH_PREFIX_BYTES = 4;

/**
 * Splits a byte stream of `u32be length | bytes` messages. A message inside one chunk is handed
 * over as a view of it; one that spans chunks is copied once into a buffer of its own size, as
 * nestrpc's decoder does (concatenating the leftover with each whole new chunk copied up to a
 * chunk and a message per read, which a ceiling must not pay).
 */
export class LengthPrefixedReader {
  /** The message being assembled (prefix included), allocated at its full size. */
  private pending: Buffer | undefined;
  private filled = 0;
  /** A length prefix split across chunks. */
  private readonly head = Buffer.alloc(LENGTH_PREFIX_BYTES);
  private headFilled = 0;

  /** `onMessage` gets the body and the whole message (prefix included), both views of one buffer. */
  constructor(private readonly onMessage: (body: Buffer, message: Buffer) => void) {}

  feed(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.pending !== undefined) {
        const n = Math.min(this.pending.length - this.filled, chunk.length - pos);
        chunk.copy(this.pending, this.filled, pos, pos + n);
        this.filled += n;
        pos += n;
        if (this.filled < this.pending.length) return;
        this.emitPending();
        continue;
      }
      if (this.headFilled > 0 || chunk.length - pos < LENGTH_PREFIX_BYTES) {
        const n = Math.min(LENGTH_PREFIX_BYTES - this.headFilled, chunk.length - pos);
        chunk.copy(this.head, this.headFilled, pos, pos + n);
        this.headFilled += n;
        pos += n;
        if (this.headFilled < LENGTH_PREFIX_BYTES) return;
        this.headFilled = 0;
        this.pending = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + this.head.readUInt32BE(0));
        this.head.copy(this.pending, 0);
        this.filled = LENGTH_PREFIX_BYTES;
        if (this.filled === this.pending.length) this.emitPending();
        continue;
      }
      const end = pos + LENGTH_PREFIX_BYTES + chunk.readUInt32BE(pos);
      if (end <= chunk.length) {
        this.onMessage(chunk.subarray(pos + LENGTH_PREFIX_BYTES, end), chunk.subarray(pos, end));
        pos = end;
        continue;
      }
      this.pending = Buffer.allocUnsafe(end - pos);
      this.filled = chunk.copy(this.pending, 0, pos);
      return;
    }
  }

  private emitPending(): void {
    const message = this.pending as Buffer;
    this.pending = undefined;
    this.filled = 0;
    this.onMessage(message.subarray(LENGTH_PREFIX_BYTES), message);
  }
}

/** `u32be length | body` in one buffer. */
export function withLengthPrefix(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, LENGTH_PREFIX_BYTES);
  return out;
}

/** `JSON.stringify(value)` as a length-prefixed message: one allocation, the string encoded in place. */
export function encodeJsonMessage(value: unknown): Buffer {
  const json = JSON.stringify(value);
  const length = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(LENGTH_PREFIX_BYTES + length);
  out.writeUInt32BE(length, 0);
  out.write(json, LENGTH_PREFIX_BYTES);
  return out;
}

/**
 * Writes that happen in the same tick leave in one syscall: the first write corks the socket and
 * the uncork runs on the next tick, after the current burst of callbacks and promise reactions.
 */
export class TickBatchedWriter {
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
  }

  write(bytes: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(bytes);
  }
}
