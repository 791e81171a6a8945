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
}

const ENTRY_HEAD = 3;
const MAX_ENTRY_VALUE = 0xffff;
const EMPTY = Buffer.alloc(0);

function utf8Entry(parts: Buffer[], tag: MetaTag, value: string): number {
  const bytes = Buffer.from(value, 'utf8');
  return pushEntry(parts, tag, bytes);
}

function pushEntry(parts: Buffer[], tag: MetaTag, value: Buffer): number {
  if (value.length > MAX_ENTRY_VALUE) {
    throw new FrameTooLargeError(value.length, MAX_ENTRY_VALUE, `Metadata entry ${tag}`);
  }
  const head = Buffer.allocUnsafe(ENTRY_HEAD);
  head[0] = tag;
  head.writeUInt16BE(value.length, 1);
  parts.push(head, value);
  return ENTRY_HEAD + value.length;
}

/** Encodes metadata; returns an empty buffer when there is none (the common case for responses). */
export function encodeMetadata(meta: FrameMetadata | undefined): Buffer {
  if (meta === undefined) return EMPTY;
  const parts: Buffer[] = [];
  let size = 0;
  if (meta.pattern !== undefined) size += utf8Entry(parts, MetaTag.Pattern, meta.pattern);
  if (meta.timeoutMs !== undefined) {
    const value = Buffer.allocUnsafe(4);
    value.writeUInt32BE(Math.max(0, Math.min(0xffffffff, Math.ceil(meta.timeoutMs))), 0);
    size += pushEntry(parts, MetaTag.TimeoutMs, value);
  }
  if (meta.traceparent !== undefined) size += utf8Entry(parts, MetaTag.Traceparent, meta.traceparent);
  if (meta.tracestate !== undefined) size += utf8Entry(parts, MetaTag.Tracestate, meta.tracestate);
  if (meta.version !== undefined) size += utf8Entry(parts, MetaTag.Version, meta.version);
  if (meta.headers !== undefined) {
    for (const key of Object.keys(meta.headers)) {
      const keyBytes = Buffer.from(key, 'utf8');
      if (keyBytes.length === 0 || keyBytes.length > 0xff) {
        throw new ProtocolError(`Header name must be 1..255 UTF-8 bytes, got ${keyBytes.length} ("${key.slice(0, 32)}")`);
      }
      const valueBytes = Buffer.from(String(meta.headers[key]), 'utf8');
      const value = Buffer.allocUnsafe(1 + keyBytes.length + valueBytes.length);
      value[0] = keyBytes.length;
      keyBytes.copy(value, 1);
      valueBytes.copy(value, 1 + keyBytes.length);
      size += pushEntry(parts, MetaTag.Header, value);
    }
  }
  if (size > MAX_METADATA_BYTES) throw new FrameTooLargeError(size, MAX_METADATA_BYTES, 'Metadata');
  return parts.length === 0 ? EMPTY : Buffer.concat(parts, size);
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
