import { Options, Packr, RESERVE_START_SPACE } from 'msgpackr';
import { MSGPACK_SERIALIZER_ID } from './constants';
import { assertPlainMsgpack } from './msgpack-ext-check';
import { Serializer } from './serializer';
import { frameArena } from '../connection/frame-arena';

export type MsgpackSerializerOptions = Options;

/** The most msgpackr reserves before a value (the low byte of its encode options). */
const MAX_HEADROOM = 0xff;

/**
 * Free room a frame is packed into in the frame arena: msgpackr wants room for 3 bytes per
 * character of a string before it writes one (a 16 KiB string asks for ~48 KiB). A value that
 * needs more goes to a buffer msgpackr allocates, as without the arena.
 */
const ARENA_REGION_BYTES = 64 * 1024;

/**
 * Where msgpackr is left after packing into the arena. Its buffer and position are shared by
 * every Packr of the process, so they must not stay in the arena's slab: the next pack anywhere
 * would write after our frame, into memory the arena hands out again. Parked at the end of this
 * (never written) buffer, msgpackr starts a buffer of its own on its next pack, as it does when
 * one is full.
 */
const PARKING = Buffer.allocUnsafeSlow(8192);

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
    // Packed straight after the reserved room, into the frame arena (else msgpackr's own buffer); the returned view is the whole frame.
    const region = frameArena.region(ARENA_REGION_BYTES);
    if (region === undefined) return this.packr.pack(value, RESERVE_START_SPACE | headroom);
    this.packr.useBuffer(region.bytes);
    this.packr.position = region.offset;
    try {
      const frame = this.packr.pack(value, RESERVE_START_SPACE | headroom);
      frameArena.claim(frame);
      return frame;
    } finally {
      this.packr.useBuffer(PARKING);
      this.packr.position = PARKING.length;
    }
  }

  serialize(value: unknown): Uint8Array {
    return this.packr.pack(value);
  }

  deserialize(body: Buffer): unknown {
    if (this.plainOnly) assertPlainMsgpack(body);
    return this.packr.unpack(body);
  }
}
