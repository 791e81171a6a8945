import type { OnReadOpts } from 'net';

/**
 * Size of the one buffer every client socket of the process reads into. Node's default read
 * path allocates a fresh 64 KiB buffer per read: at 16 KiB answers that is ~16 KiB of new,
 * cold memory per call, which the kernel then copies into and the GC later frees.
 */
export const SHARED_READ_BUFFER_BYTES = 256 * 1024;

let shared: Buffer | undefined;

/**
 * The process-wide read buffer, allocated on first use. One is enough however many sockets
 * use it: Node runs each read's callback to completion before it performs the next read, on
 * any socket, so a chunk is consumed before the bytes under it are overwritten.
 */
export function sharedReadBuffer(): Buffer {
  shared ??= Buffer.allocUnsafeSlow(SHARED_READ_BUFFER_BYTES);
  return shared;
}

/**
 * A socket's reads through `net.connect({ onread })` into the shared buffer, handed to one
 * sink. Each chunk is a view that the next read overwrites, so the sink must consume it
 * (decode, or copy what it keeps) before it returns: the FramedConnection does, copying a
 * partial frame and any frame it holds back.
 *
 * A read that comes before a sink is attached (a server may speak first while the client
 * still resolves its credential) is copied, and reading stops there: a peer cannot make it
 * hold more than one read (SHARED_READ_BUFFER_BYTES). `attach()` hands it back.
 */
export class SharedBufferReads {
  readonly onread: OnReadOpts = {
    buffer: sharedReadBuffer,
    // false stops reading (until socket.resume()); a sink that must stop calls socket.pause().
    callback: (bytes: number, buffer: Uint8Array) => this.receive(Buffer.from(buffer.buffer, buffer.byteOffset, bytes)),
  };
  private sink: ((chunk: Buffer) => void) | undefined;
  private early: Buffer | undefined;

  /** Bytes copied while no sink was attached (tests). */
  get earlyBytes(): number {
    return this.early?.length ?? 0;
  }

  /**
   * From now on every read goes to `sink`. Returns the read held until now, if any: reading
   * stopped there, so the caller consumes it and then resumes the socket.
   */
  attach(sink: (chunk: Buffer) => void): Buffer | undefined {
    this.sink = sink;
    const early = this.early;
    this.early = undefined;
    return early;
  }

  private receive(chunk: Buffer): boolean {
    if (this.sink !== undefined) {
      this.sink(chunk);
      return true;
    }
    this.early = Buffer.from(chunk);
    return false;
  }
}
