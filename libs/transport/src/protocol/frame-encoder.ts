import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { DEFAULT_MAX_FRAME_BYTES, FRAME_MAGIC, HEADER_BYTES, HeaderOffset, PROTOCOL_VERSION } from './constants';
import { FrameFlags } from './frame-flags';
import { OutgoingFrame } from './frame';
import { metadataSize, writeMetadata } from './metadata.codec';

/**
 * Encodes one frame into a single buffer: one allocation, metadata written in place, one copy of the body.
 * Throws FrameTooLargeError before allocating when the frame would exceed `maxFrameBytes`.
 * `metaLength`: `metadataSize(frame.meta)` when the caller has already computed (and so validated) it.
 * `allocate`: where the frame's bytes come from (PayloadCodec: the frame arena for large frames).
 */
export function encodeFrame(frame: OutgoingFrame, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES, metaLength = metadataSize(frame.meta), allocate: (bytes: number) => Buffer = Buffer.allocUnsafe): Buffer {
  const body = frame.body;
  const bodyLength = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  const total = HEADER_BYTES + metaLength + bodyLength;
  if (total > maxFrameBytes) throw new FrameTooLargeError(total, maxFrameBytes);

  const out = allocate(total);
  writeHead(frame, out, metaLength, bodyLength, body === undefined);
  if (body !== undefined && bodyLength > 0) {
    if (typeof body === 'string') out.write(body, HEADER_BYTES + metaLength, 'utf8');
    else out.set(body, HEADER_BYTES + metaLength);
  }
  return out;
}

/** Bytes a frame's header and metadata take: the room a serializer leaves before the body for `encodeFrameAround`. */
export function frameHeadBytes(frame: Pick<OutgoingFrame, 'meta'>): number {
  return HEADER_BYTES + metadataSize(frame.meta);
}

/**
 * Completes a frame whose body was serialized `headBytes` (= `frameHeadBytes(frame)`) bytes into
 * `buffer`: writes the header and metadata into that room and returns the buffer. No allocation
 * and no copy of the body (a serializer that can leave room, e.g. msgpack, serializes once and
 * that buffer is the frame). Throws FrameTooLargeError when the frame exceeds `maxFrameBytes`.
 */
export function encodeFrameAround(frame: Omit<OutgoingFrame, 'body'>, buffer: Buffer, headBytes: number, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  if (buffer.length > maxFrameBytes) throw new FrameTooLargeError(buffer.length, maxFrameBytes);
  writeHead(frame, buffer, headBytes - HEADER_BYTES, buffer.length - headBytes, false);
  return buffer;
}

function writeHead(frame: Omit<OutgoingFrame, 'body'>, out: Buffer, metaLength: number, bodyLength: number, noBody: boolean): void {
  out.writeUInt16BE(FRAME_MAGIC, HeaderOffset.Magic);
  out[HeaderOffset.Version] = PROTOCOL_VERSION;
  out[HeaderOffset.Type] = frame.type;
  out[HeaderOffset.Serializer] = frame.serializerId ?? 0;
  out[HeaderOffset.Flags] = ((frame.flags ?? 0) & ~FrameFlags.NoBody) | (noBody ? FrameFlags.NoBody : 0);
  out.writeUInt16BE(metaLength, HeaderOffset.MetadataLength);
  out.writeUInt32BE((frame.seq ?? 0) >>> 0, HeaderOffset.Sequence);
  out.writeUInt32BE(bodyLength, HeaderOffset.BodyLength);
  if (metaLength > 0) writeMetadata(frame.meta!, out, HEADER_BYTES);
}
