import { Options, Packr } from 'msgpackr';
import { MSGPACK_SERIALIZER_ID } from './constants';
import { Serializer } from './serializer';

export type MsgpackSerializerOptions = Options;

/**
 * MessagePack via msgpackr. Compact and fast; keeps binary data and dates:
 * `Buffer`/`Uint8Array` arrive as `Buffer` (a copy, so keeping one does not pin the whole
 * received chunk; `{ copyBuffers: false }` trades that for speed), `Date` as `Date` (timestamp extension),
 * `undefined` (also inside objects and arrays) as `undefined`.
 * Records (msgpackr's structure extension) are off by default so any MessagePack peer can read
 * the bodies; pass `{ useRecords: true }` on both sides for extra speed on repeated shapes.
 */
export class MsgpackSerializer extends Serializer {
  readonly id = MSGPACK_SERIALIZER_ID;
  readonly name = 'msgpack';
  private readonly packr: Packr;

  constructor(options: MsgpackSerializerOptions = {}) {
    super();
    this.packr = new Packr({ useRecords: false, copyBuffers: true, ...options });
  }

  serialize(value: unknown): Uint8Array {
    return this.packr.pack(value);
  }

  deserialize(body: Buffer): unknown {
    return this.packr.unpack(body);
  }
}
