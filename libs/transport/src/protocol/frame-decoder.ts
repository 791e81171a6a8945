import { BadMagicError } from '../errors/bad-magic.error';
import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { ProtocolError } from '../errors/protocol.error';
import { UnknownMessageTypeError } from '../errors/unknown-message-type.error';
import { UnknownSerializerError } from '../errors/unknown-serializer.error';
import { UnsupportedVersionError } from '../errors/unsupported-version.error';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_MAGIC, HEADER_BYTES, HeaderOffset, PROTOCOL_VERSION } from './constants';
import { Frame, FrameMetadata } from './frame';
import { FrameFlags } from './frame-flags';
import { isKnownMessageType } from './message-type';
import { decodeMetadata } from './metadata.codec';

export interface FrameDecoderOptions {
  /** Frames declaring more bytes than this are refused before any of it is buffered. */
  maxFrameBytes?: number;
  /**
   * Serializer ids this side can decode. A frame naming another id fails the stream with
   * UnknownSerializerError. Id 0 ("no body") is always accepted. Default: accept all.
   */
  knownSerializerIds?: Iterable<number>;
}

export type FrameSink = (frame: Frame) => void;

const NO_META: FrameMetadata = Object.freeze({}) as FrameMetadata;
/** Smallest allocation for a partial frame once its header is known (avoids 1-byte regrowths). */
const MIN_PARTIAL_BYTES = 1024;

/**
 * Pure byte-stream → frame state machine: no sockets, no timers, no I/O.
 *
 * `feed()` never throws. It hands every complete frame to the sink and returns the first
 * protocol error, after which the decoder is failed for good (the stream is out of sync and
 * the only safe move is to close the connection). It never holds more than one frame's
 * worth of bytes (bounded by `maxFrameBytes`), in one buffer at most twice the bytes received.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private readonly known: Uint8Array | undefined;
  /**
   * The one buffer a partial frame is copied into. Received chunks are never kept: a peer
   * dripping one byte per TCP segment would otherwise pin one Buffer object (and its backing
   * store) per byte, ~20–110 bytes of heap per byte held. Its capacity grows by doubling and
   * never beyond the frame's declared size, so it is at most 2× the bytes held (+ a header).
   */
  private partial: Buffer | undefined;
  private buffered = 0;
  /** Total size of the frame being assembled, once its header has been read; 0 otherwise. */
  private expected = 0;
  private failure: ProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (options.knownSerializerIds !== undefined) {
      this.known = new Uint8Array(256);
      for (const id of options.knownSerializerIds) this.known[id & 0xff] = 1;
    }
  }

  /** Bytes held waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Memory held for the partial frame (the buffer's capacity): what a dripping peer costs. */
  get heldBytes(): number {
    return this.partial?.length ?? 0;
  }

  get error(): ProtocolError | undefined {
    return this.failure;
  }

  feed(chunk: Buffer, sink: FrameSink): ProtocolError | undefined {
    if (this.failure !== undefined) return this.failure;
    if (chunk.length === 0) return undefined;
    try {
      if (this.buffered === 0) return this.feedFresh(chunk, sink);
      const used = this.feedPartial(chunk, sink);
      return used < chunk.length ? this.feedFresh(chunk.subarray(used), sink) : undefined;
    } catch (err) {
      return this.fail(err instanceof ProtocolError ? err : new ProtocolError(`Undecodable frame: ${String(err)}`, { cause: err }));
    }
  }

  /** Fast path: nothing buffered, decode frames straight out of the chunk without copying. */
  private feedFresh(chunk: Buffer, sink: FrameSink): ProtocolError | undefined {
    let pos = 0;
    while (chunk.length - pos >= HEADER_BYTES) {
      const size = this.checkHeader(chunk, pos);
      if (chunk.length - pos < size) break;
      sink(this.parse(chunk, pos, size));
      pos += size;
    }
    if (pos < chunk.length) {
      const rest = chunk.length - pos;
      this.expected = rest >= HEADER_BYTES ? this.checkHeader(chunk, pos) : 0;
      this.append(chunk, pos, rest);
    }
    return undefined;
  }

  /**
   * Copies into the partial frame only what it still needs (the header, then the body) and
   * emits it once complete. Returns how many bytes of `chunk` were used; the rest starts fresh.
   */
  private feedPartial(chunk: Buffer, sink: FrameSink): number {
    let used = 0;
    if (this.expected === 0) {
      used = Math.min(HEADER_BYTES - this.buffered, chunk.length);
      this.append(chunk, 0, used);
      if (this.buffered < HEADER_BYTES) return used;
      this.expected = this.checkHeader(this.partial as Buffer, 0);
    }
    const take = Math.min(this.expected - this.buffered, chunk.length - used);
    this.append(chunk, used, take);
    used += take;
    if (this.buffered === this.expected) {
      const whole = this.partial as Buffer;
      const size = this.expected;
      // The frame's body is a view of this buffer: hand it over and start the next one afresh.
      this.partial = undefined;
      this.buffered = 0;
      this.expected = 0;
      sink(this.parse(whole, 0, size));
    }
    return used;
  }

  private append(source: Buffer, from: number, count: number): void {
    if (count === 0) return;
    const needed = this.buffered + count;
    const capacity = this.partial?.length ?? 0;
    if (needed > capacity) {
      const limit = this.expected > 0 ? this.expected : HEADER_BYTES;
      const grown = Buffer.allocUnsafe(Math.min(limit, Math.max(needed, capacity * 2, MIN_PARTIAL_BYTES)));
      if (this.partial !== undefined) this.partial.copy(grown, 0, 0, this.buffered);
      this.partial = grown;
    }
    source.copy(this.partial as Buffer, this.buffered, from, from + count);
    this.buffered = needed;
  }

  /** Validates the header at `pos` and returns the whole frame's size. */
  private checkHeader(buf: Buffer, pos: number): number {
    const magic = buf.readUInt16BE(pos + HeaderOffset.Magic);
    if (magic !== FRAME_MAGIC) throw new BadMagicError(magic);
    const version = buf[pos + HeaderOffset.Version];
    if (version !== PROTOCOL_VERSION) throw new UnsupportedVersionError(version, PROTOCOL_VERSION);
    const type = buf[pos + HeaderOffset.Type];
    if (!isKnownMessageType(type)) throw new UnknownMessageTypeError(type);
    const serializerId = buf[pos + HeaderOffset.Serializer];
    if (serializerId !== 0 && this.known !== undefined && this.known[serializerId] !== 1) {
      throw new UnknownSerializerError(serializerId);
    }
    const size = HEADER_BYTES + buf.readUInt16BE(pos + HeaderOffset.MetadataLength) + buf.readUInt32BE(pos + HeaderOffset.BodyLength);
    if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
    return size;
  }

  private parse(buf: Buffer, pos: number, size: number): Frame {
    const flags = buf[pos + HeaderOffset.Flags];
    const metaLength = buf.readUInt16BE(pos + HeaderOffset.MetadataLength);
    const metaStart = pos + HEADER_BYTES;
    const bodyStart = metaStart + metaLength;
    const noBody = (flags & FrameFlags.NoBody) !== 0;
    if (noBody && bodyStart !== pos + size) throw new ProtocolError('Frame flagged as bodiless carries a body');
    if (!noBody && buf[pos + HeaderOffset.Serializer] === 0) throw new ProtocolError('Frame carries a body but names no serializer (id 0)');
    return {
      type: buf[pos + HeaderOffset.Type],
      serializerId: buf[pos + HeaderOffset.Serializer],
      flags,
      seq: buf.readUInt32BE(pos + HeaderOffset.Sequence),
      meta: metaLength === 0 ? NO_META : decodeMetadata(buf, metaStart, bodyStart),
      body: noBody ? undefined : buf.subarray(bodyStart, pos + size),
    };
  }

  private fail(error: ProtocolError): ProtocolError {
    this.failure = error;
    this.partial = undefined;
    this.buffered = 0;
    this.expected = 0;
    return error;
  }
}
