import { Options, Packr, RESERVE_START_SPACE } from 'msgpackr';
import { MSGPACK_SERIALIZER_ID } from './constants';
import { assertPlainMsgpack } from './msgpack-ext-check';
import { Serializer } from './serializer';

export type MsgpackSerializerOptions = Options;

/** The most msgpackr reserves before a value (the low byte of its encode options). */
const MAX_HEADROOM = 0xff;

/**
 * MessagePack via msgpackr. Compact and fast; keeps binary data and dates:
 * `Buffer`/`Uint8Array` arrive as `Buffer` (a copy, so keeping one does not pin the whole
 * received chunk; `{ copyBuffers: false }` trades that for speed), `Date` as `Date` (timestamp extension),
 * `undefined` (also inside objects and arrays) as `undefined`.
 * Records (msgpackr's structure extension) are off by default so any MessagePack peer can read
 * the bodies; pass `{ useRecords: true }` on both sides for extra speed on repeated shapes.
 * Without such options, bodies carrying msgpackr's other extensions (records, Error, RegExp,
 * Set, cyclic structures) are refused: decoded values are plain data, Date, Buffer, undefined.
 */
export class MsgpackSerializer extends Serializer {
  readonly id = MSGPACK_SERIALIZER_ID;
  readonly name = 'msgpack';
  private readonly packr: Packr;
  /** Refuse msgpackr's object-building extensions from peers unless records/structured clone were asked for. */
  private readonly plainOnly: boolean;
  /** msgpackr can leave up to 255 bytes before the value (RESERVE_START_SPACE); not with options that rewrite the output afterwards. */
  private readonly headroomCapable: boolean;
  /** Binary is copied (`copyBuffers`, the default) and no extension builds values from body views. */
  override readonly keepsNoBodyView: boolean;

  constructor(options: MsgpackSerializerOptions = {}) {
    super();
    this.packr = new Packr({ useRecords: false, copyBuffers: true, ...options });
    this.plainOnly = options.useRecords !== true && options.structuredClone !== true && options.moreTypes !== true && options.structures === undefined;
    this.headroomCapable = this.plainOnly && options.bundleStrings !== true;
    this.keepsNoBodyView = this.plainOnly && options.copyBuffers !== false;
  }

  override serializeWithHeadroom(value: unknown, _context: unknown, headroom: number): Buffer | undefined {
    if (!this.headroomCapable || headroom > MAX_HEADROOM) return undefined;
    // Packed straight after the reserved room in msgpackr's own buffer; the returned view is the whole frame.
    return this.packr.pack(value, RESERVE_START_SPACE | headroom);
  }

  serialize(value: unknown): Uint8Array {
    return this.packr.pack(value);
  }

  deserialize(body: Buffer): unknown {
    if (this.plainOnly) assertPlainMsgpack(body);
    return this.packr.unpack(body);
  }
}
