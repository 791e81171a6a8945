import { Socket } from 'net';

export const LENGTH_PREFIX_BYTES = 4;

/** Splits a byte stream of `u32be length | bytes` messages; copies only when a message spans chunks. */
export class LengthPrefixedReader {
  private rest: Buffer | undefined;

  /** `onMessage` gets the body and the whole message (prefix included), both views into the input. */
  constructor(private readonly onMessage: (body: Buffer, message: Buffer) => void) {}

  feed(chunk: Buffer): void {
    const buf = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = undefined;
    let pos = 0;
    while (buf.length - pos >= LENGTH_PREFIX_BYTES) {
      const end = pos + LENGTH_PREFIX_BYTES + buf.readUInt32BE(pos);
      if (end > buf.length) break;
      this.onMessage(buf.subarray(pos + LENGTH_PREFIX_BYTES, end), buf.subarray(pos, end));
      pos = end;
    }
    if (pos < buf.length) this.rest = buf.subarray(pos);
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
