import { Long, Reader, util, Writer } from 'protobufjs';
import { EnvelopeField } from './protobuf-envelope.schema';

/** Deepest object/array nesting the envelope encodes or decodes (also stops circular values). */
export const MAX_ENVELOPE_DEPTH = 1000;
/**
 * Longest decimal string (characters, sign included) accepted for an envelope bigint. `BigInt()`
 * parsing is quadratic: one 8 MiB digit string blocked the event loop for ~2 s; 4 096 digits
 * (≈ 13 600 bits) parse in microseconds.
 */
export const MAX_ENVELOPE_BIGINT_DIGITS = 4096;
const BIGINT_STRING = /^-?\d+$/;

const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Len = 2,
}

const tag = (field: number, wire: Wire): number => (field << 3) | wire;

const TAG_NULL = tag(EnvelopeField.Null, Wire.Varint);
const TAG_NUMBER = tag(EnvelopeField.Number, Wire.Fixed64);
const TAG_STRING = tag(EnvelopeField.String, Wire.Len);
const TAG_BOOL = tag(EnvelopeField.Bool, Wire.Varint);
const TAG_STRUCT = tag(EnvelopeField.Struct, Wire.Len);
const TAG_LIST = tag(EnvelopeField.List, Wire.Len);
const TAG_BYTES = tag(EnvelopeField.Bytes, Wire.Len);
const TAG_TIMESTAMP = tag(EnvelopeField.Timestamp, Wire.Len);
const TAG_BIGINT = tag(EnvelopeField.BigInt, Wire.Len);
/** Field 1 / field 2 of the nested messages (map entry key/value, list item, timestamp). */
const TAG_1_LEN = tag(1, Wire.Len);
const TAG_2_LEN = tag(2, Wire.Len);
const TAG_1_VARINT = tag(1, Wire.Varint);
const TAG_2_VARINT = tag(2, Wire.Varint);

const NANOS_PER_MS = 1_000_000;

/**
 * Encodes any JS value as an envelope `Value` (see protobuf-envelope.schema.ts), writing straight
 * into a protobufjs Writer: no intermediate message objects and no reflection on this path.
 * A top-level `undefined` gives an empty message.
 */
export function encodeEnvelope(value: unknown): Uint8Array {
  const writer = Writer.create();
  if (!isSkipped(value)) writeValue(writer, value, 0);
  return writer.finish();
}

/** Decodes an envelope `Value`; an empty body (no kind set) gives `undefined`. */
export function decodeEnvelope(body: Uint8Array): unknown {
  const reader = Reader.create(body);
  return readValue(reader, reader.len, 0);
}

/** `undefined`, functions and symbols are not values: dropped from objects, `null` in arrays. */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function writeValue(w: Writer, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'number':
      w.uint32(TAG_NUMBER).double(value);
      return;
    case 'string':
      w.uint32(TAG_STRING).string(value);
      return;
    case 'boolean':
      w.uint32(TAG_BOOL).bool(value);
      return;
    case 'bigint': {
      const text = value.toString();
      if (text.length > MAX_ENVELOPE_BIGINT_DIGITS) throw new RangeError(`bigint of ${text.length} digits exceeds MAX_ENVELOPE_BIGINT_DIGITS=${MAX_ENVELOPE_BIGINT_DIGITS}`);
      w.uint32(TAG_BIGINT).string(text);
      return;
    }
    case 'object':
      if (value === null) w.uint32(TAG_NULL).int32(0);
      else writeObject(w, value, depth);
      return;
    default:
      // undefined, function, symbol: only reachable as an array item
      w.uint32(TAG_NULL).int32(0);
  }
}

function writeObject(w: Writer, value: object, depth: number): void {
  if (depth >= MAX_ENVELOPE_DEPTH) {
    throw new RangeError(`Value nested deeper than ${MAX_ENVELOPE_DEPTH} levels (circular reference?)`);
  }
  if (value instanceof Uint8Array) {
    w.uint32(TAG_BYTES).bytes(value);
  } else if (Array.isArray(value)) {
    w.uint32(TAG_LIST).fork();
    for (let i = 0; i < value.length; i++) {
      w.uint32(TAG_1_LEN).fork();
      writeValue(w, value[i], depth + 1);
      w.ldelim();
    }
    w.ldelim();
  } else if (value instanceof Date) {
    writeTimestamp(w, value);
  } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json: unknown = (value as { toJSON(key: string): unknown }).toJSON('');
    if (isSkipped(json)) w.uint32(TAG_NULL).int32(0);
    else writeValue(w, json, depth + 1);
  } else {
    rejectUnsupported(value);
    writeStruct(w, value as Record<string, unknown>, depth);
  }
}

function writeStruct(w: Writer, value: Record<string, unknown>, depth: number): void {
  w.uint32(TAG_STRUCT).fork();
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (isSkipped(item)) continue;
    w.uint32(TAG_1_LEN).fork().uint32(TAG_1_LEN).string(key).uint32(TAG_2_LEN).fork();
    writeValue(w, item, depth + 1);
    w.ldelim().ldelim();
  }
  w.ldelim();
}

/** google.protobuf.Timestamp layout: whole seconds (floored) and non-negative nanos. */
function writeTimestamp(w: Writer, date: Date): void {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date cannot be encoded');
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * NANOS_PER_MS;
  w.uint32(TAG_TIMESTAMP).fork();
  if (seconds !== 0) w.uint32(TAG_1_VARINT).int64(seconds);
  if (nanos !== 0) w.uint32(TAG_2_VARINT).int32(nanos);
  w.ldelim();
}

function rejectUnsupported(value: object): void {
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) {
    throw new TypeError(`${value.constructor.name} is not supported by the protobuf envelope; send an object or an array`);
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    throw new TypeError(`${value.constructor.name} is not supported by the protobuf envelope; send a Buffer or Uint8Array`);
  }
}

function readValue(r: Reader, end: number, depth: number): unknown {
  let result: unknown = undefined;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case TAG_NULL:
        r.int32();
        result = null;
        break;
      case TAG_NUMBER:
        result = r.double();
        break;
      case TAG_STRING:
        result = r.string();
        break;
      case TAG_BOOL:
        result = r.bool();
        break;
      case TAG_STRUCT:
        result = readStruct(r, nestedEnd(r, end), depth + 1);
        break;
      case TAG_LIST:
        result = readList(r, nestedEnd(r, end), depth + 1);
        break;
      case TAG_BYTES:
        // copy: the reader returns a view into the frame, which must not outlive it
        result = Buffer.from(r.bytes());
        break;
      case TAG_TIMESTAMP:
        result = readTimestamp(r, nestedEnd(r, end));
        break;
      case TAG_BIGINT:
        result = readBigInt(r);
        break;
      default:
        r.skipType(t & 7);
    }
  }
  if (r.pos !== end) throw new RangeError('Envelope field overruns its message');
  return result;
}

function readBigInt(r: Reader): bigint {
  const length = r.uint32();
  if (length > MAX_ENVELOPE_BIGINT_DIGITS) throw new RangeError(`Envelope bigint of ${length} digits exceeds MAX_ENVELOPE_BIGINT_DIGITS=${MAX_ENVELOPE_BIGINT_DIGITS}`);
  const start = r.pos;
  r.skip(length);
  const text = util.utf8.read(r.buf, start, r.pos);
  if (!BIGINT_STRING.test(text)) throw new RangeError('Envelope bigint is not a decimal integer');
  return BigInt(text);
}

function readStruct(r: Reader, end: number, depth: number): Record<string, unknown> {
  checkDepth(depth);
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const t = r.uint32();
    if (t !== TAG_1_LEN) {
      r.skipType(t & 7);
      continue;
    }
    const entryEnd = nestedEnd(r, end);
    let key = '';
    let item: unknown = undefined;
    while (r.pos < entryEnd) {
      const et = r.uint32();
      if (et === TAG_1_LEN) key = r.string();
      else if (et === TAG_2_LEN) item = readValue(r, nestedEnd(r, entryEnd), depth);
      else r.skipType(et & 7);
    }
    if (item === undefined) continue;
    // plain assignment to "__proto__" would replace the prototype instead of adding a key
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

function readList(r: Reader, end: number, depth: number): unknown[] {
  checkDepth(depth);
  const out: unknown[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t !== TAG_1_LEN) {
      r.skipType(t & 7);
      continue;
    }
    const item = readValue(r, nestedEnd(r, end), depth);
    out.push(item === undefined ? null : item);
  }
  return out;
}

function readTimestamp(r: Reader, end: number): Date {
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const t = r.uint32();
    if (t === TAG_1_VARINT) seconds = toNumber(r.int64());
    else if (t === TAG_2_VARINT) nanos = r.int32();
    else r.skipType(t & 7);
  }
  return new Date(seconds * 1000 + Math.floor(nanos / NANOS_PER_MS));
}

/** Reads a length prefix and returns where that nested message ends, refusing overruns. */
function nestedEnd(r: Reader, end: number): number {
  const length = r.uint32();
  const nested = r.pos + length;
  if (nested > end) throw new RangeError(`Nested message of ${length} bytes overruns its parent`);
  return nested;
}

function checkDepth(depth: number): void {
  if (depth > MAX_ENVELOPE_DEPTH) throw new RangeError(`Envelope nested deeper than ${MAX_ENVELOPE_DEPTH} levels`);
}

/** int64 arrives as a Long when the `long` package is installed, else as a number. */
function toNumber(value: Long | number): number {
  return typeof value === 'number' ? value : util.LongBits.from(value).toNumber(false);
}
