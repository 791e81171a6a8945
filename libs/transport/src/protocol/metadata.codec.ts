import { ProtocolError } from '../errors/protocol.error';
import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { MAX_METADATA_BYTES } from './constants';
import { FrameMetadata } from './frame';

/**
 * Metadata is a sequence of entries `tag:u8 length:u16be value[length]`.
 * Unknown tags are skipped, so new fields never break old peers.
 */
export enum MetaTag {
  Pattern = 1,
  TimeoutMs = 2,
  Traceparent = 3,
  Tracestate = 4,
  Version = 5,
  /** value = keyLength:u8 key value (both UTF-8) */
  Header = 6,
  /** The client's credential, on its handshake PING only (docs/protocol.md, Authentication). */
  Credential = 7,
}

const ENTRY_HEAD = 3;
const MAX_ENTRY_VALUE = 0xffff;
const TIMEOUT_BYTES = 4;
const EMPTY = Buffer.alloc(0);

function entrySize(tag: MetaTag, valueBytes: number): number {
  if (valueBytes > MAX_ENTRY_VALUE) throw new FrameTooLargeError(valueBytes, MAX_ENTRY_VALUE, `Metadata entry ${tag}`);
  return ENTRY_HEAD + valueBytes;
}

function headerKeyBytes(key: string): number {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes === 0 || bytes > 0xff) throw new ProtocolError(`Header name must be 1..255 UTF-8 bytes, got ${bytes} ("${key.slice(0, 32)}")`);
  return bytes;
}

/**
 * Bytes `meta` takes on the wire (0 when there is none). Validates every limit, so a later
 * `writeMetadata` into a buffer of this size cannot fail.
 */
export function metadataSize(meta: FrameMetadata | undefined): number {
  if (meta === undefined) return 0;
  let size = 0;
  if (meta.pattern !== undefined) size += entrySize(MetaTag.Pattern, Buffer.byteLength(meta.pattern, 'utf8'));
  if (meta.timeoutMs !== undefined) size += ENTRY_HEAD + TIMEOUT_BYTES;
  if (meta.traceparent !== undefined) size += entrySize(MetaTag.Traceparent, Buffer.byteLength(meta.traceparent, 'utf8'));
  if (meta.tracestate !== undefined) size += entrySize(MetaTag.Tracestate, Buffer.byteLength(meta.tracestate, 'utf8'));
  if (meta.version !== undefined) size += entrySize(MetaTag.Version, Buffer.byteLength(meta.version, 'utf8'));
  if (meta.credential !== undefined) size += entrySize(MetaTag.Credential, Buffer.byteLength(meta.credential, 'utf8'));
  if (meta.headers !== undefined) {
    for (const key of Object.keys(meta.headers)) {
      size += entrySize(MetaTag.Header, 1 + headerKeyBytes(key) + Buffer.byteLength(String(meta.headers[key]), 'utf8'));
    }
  }
  if (size > MAX_METADATA_BYTES) throw new FrameTooLargeError(size, MAX_METADATA_BYTES, 'Metadata');
  return size;
}

function writeUtf8Entry(out: Buffer, pos: number, tag: MetaTag, value: string): number {
  const written = out.write(value, pos + ENTRY_HEAD, 'utf8');
  out[pos] = tag;
  out.writeUInt16BE(written, pos + 1);
  return pos + ENTRY_HEAD + written;
}

/**
 * Writes `meta` at `offset` (the buffer must have `metadataSize(meta)` bytes there) and returns
 * the offset after it. Straight into the frame: no per-entry buffers, no concat.
 */
export function writeMetadata(meta: FrameMetadata, out: Buffer, offset: number): number {
  let pos = offset;
  if (meta.pattern !== undefined) pos = writeUtf8Entry(out, pos, MetaTag.Pattern, meta.pattern);
  if (meta.timeoutMs !== undefined) {
    out[pos] = MetaTag.TimeoutMs;
    out.writeUInt16BE(TIMEOUT_BYTES, pos + 1);
    out.writeUInt32BE(Math.max(0, Math.min(0xffffffff, Math.ceil(meta.timeoutMs))), pos + ENTRY_HEAD);
    pos += ENTRY_HEAD + TIMEOUT_BYTES;
  }
  if (meta.traceparent !== undefined) pos = writeUtf8Entry(out, pos, MetaTag.Traceparent, meta.traceparent);
  if (meta.tracestate !== undefined) pos = writeUtf8Entry(out, pos, MetaTag.Tracestate, meta.tracestate);
  if (meta.version !== undefined) pos = writeUtf8Entry(out, pos, MetaTag.Version, meta.version);
  if (meta.credential !== undefined) pos = writeUtf8Entry(out, pos, MetaTag.Credential, meta.credential);
  if (meta.headers !== undefined) {
    for (const key of Object.keys(meta.headers)) {
      const keyStart = pos + ENTRY_HEAD + 1;
      const keyBytes = out.write(key, keyStart, 'utf8');
      const valueBytes = out.write(String(meta.headers[key]), keyStart + keyBytes, 'utf8');
      out[pos] = MetaTag.Header;
      out.writeUInt16BE(1 + keyBytes + valueBytes, pos + 1);
      out[pos + ENTRY_HEAD] = keyBytes;
      pos = keyStart + keyBytes + valueBytes;
    }
  }
  return pos;
}

/** Encodes metadata on its own; returns an empty buffer when there is none (the common case for responses). */
export function encodeMetadata(meta: FrameMetadata | undefined): Buffer {
  const size = metadataSize(meta);
  if (size === 0 || meta === undefined) return EMPTY;
  const out = Buffer.allocUnsafe(size);
  writeMetadata(meta, out, 0);
  return out;
}

/** Decodes `buf[start, end)`. Throws ProtocolError on truncated entries. */
export function decodeMetadata(buf: Buffer, start: number, end: number): FrameMetadata {
  const meta: FrameMetadata = {};
  let pos = start;
  while (pos < end) {
    if (end - pos < ENTRY_HEAD) throw new ProtocolError(`Truncated metadata entry header at byte ${pos - start}`);
    const tag = buf[pos];
    const length = buf.readUInt16BE(pos + 1);
    const valueStart = pos + ENTRY_HEAD;
    const valueEnd = valueStart + length;
    if (valueEnd > end) throw new ProtocolError(`Metadata entry ${tag} overruns the metadata section`);
    switch (tag) {
      case MetaTag.Pattern:
        meta.pattern = buf.toString('utf8', valueStart, valueEnd);
        break;
      case MetaTag.TimeoutMs:
        if (length !== 4) throw new ProtocolError(`Timeout entry must be 4 bytes, got ${length}`);
        meta.timeoutMs = buf.readUInt32BE(valueStart);
        break;
      case MetaTag.Traceparent:
        meta.traceparent = buf.toString('utf8', valueStart, valueEnd);
        break;
      case MetaTag.Tracestate:
        meta.tracestate = buf.toString('utf8', valueStart, valueEnd);
        break;
      case MetaTag.Version:
        meta.version = buf.toString('utf8', valueStart, valueEnd);
        break;
      case MetaTag.Credential:
        meta.credential = buf.toString('utf8', valueStart, valueEnd);
        break;
      case MetaTag.Header: {
        if (length < 1) throw new ProtocolError('Empty header entry');
        const keyEnd = valueStart + 1 + buf[valueStart];
        if (keyEnd > valueEnd) throw new ProtocolError('Header name overruns its entry');
        const headers = meta.headers ?? (meta.headers = Object.create(null) as Record<string, string>);
        headers[buf.toString('utf8', valueStart + 1, keyEnd)] = buf.toString('utf8', keyEnd, valueEnd);
        break;
      }
      default:
        break; // unknown tag: skip, for forward compatibility
    }
    pos = valueEnd;
  }
  return meta;
}
