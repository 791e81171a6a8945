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
 * Bytes that arrive before a sink is attached (a server may speak first while the client
 * still resolves its credential) are copied and handed over, in order, on `attach()`.
 */
export class SharedBufferReads {
  readonly onread: OnReadOpts = {
    buffer: sharedReadBuffer,
    // true: go on reading (a sink that must stop calls socket.pause(), which works with onread too)
    callback: (bytes: number, buffer: Uint8Array) => {
      this.receive(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
      return true;
    },
  };
  private sink: ((chunk: Buffer) => void) | undefined;
  private early: Buffer[] | undefined;

  /** Bytes copied while no sink was attached (tests). */
  get earlyBytes(): number {
    return this.early?.reduce((sum, chunk) => sum + chunk.length, 0) ?? 0;
  }

  attach(sink: (chunk: Buffer) => void): void {
    this.sink = sink;
    const early = this.early;
    this.early = undefined;
    if (early !== undefined) for (const chunk of early) sink(chunk);
  }

  private receive(chunk: Buffer): void {
    if (this.sink !== undefined) return this.sink(chunk);
    (this.early ??= []).push(Buffer.from(chunk));
  }
}
