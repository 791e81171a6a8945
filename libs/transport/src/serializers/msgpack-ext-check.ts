/**
 * Extension types a peer may send: -1 (timestamp → Date) and 0 (msgpackr's `undefined`,
 * `d4 00 00`). Everything else msgpackr would decode on its own (records 0x72, Error 0x65,
 * RegExp 0x78, Set 0x73, cyclic pointers 0x70, bundled strings, typed arrays, ...) is refused:
 * the docs promise plain data, Date, binary and undefined, nothing that builds objects.
 */
const ALLOWED_EXT_TYPES = new Set([-1, 0]);

/**
 * Walks one MessagePack value (no decoding, no allocation) and throws a TypeError naming the
 * first extension type outside ALLOWED_EXT_TYPES. Linear in the body; iterative, so nesting
 * depth cannot overflow the stack.
 */
export function assertPlainMsgpack(body: Uint8Array): void {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let pos = 0;
  let pending = 1; // values still to walk
  const need = (bytes: number): void => {
    if (pos + bytes > body.length) throw new RangeError('MessagePack body ends inside a value');
  };
  const ext = (length: number, typeAt: number): void => {
    need(length + 1);
    const type = view.getInt8(typeAt);
    if (!ALLOWED_EXT_TYPES.has(type)) throw new TypeError(`MessagePack extension type ${type} is not accepted (only timestamp and undefined)`);
    pos = typeAt + 1 + length;
  };
  while (pending > 0) {
    need(1);
    const b = body[pos++];
    pending--;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
    if (b <= 0x8f) pending += 2 * (b & 0x0f);
    else if (b <= 0x9f) pending += b & 0x0f;
    else if (b <= 0xbf) (need(b & 0x1f), (pos += b & 0x1f));
    else {
      switch (b) {
        case 0xc4: case 0xd9: need(1); pos += 1 + body[pos]; break;
        case 0xc5: case 0xda: need(2); pos += 2 + view.getUint16(pos); break;
        case 0xc6: case 0xdb: need(4); pos += 4 + view.getUint32(pos); break;
        case 0xc7: need(1); ext(body[pos], pos + 1); break;
        case 0xc8: need(2); ext(view.getUint16(pos), pos + 2); break;
        case 0xc9: need(4); ext(view.getUint32(pos), pos + 4); break;
        case 0xca: case 0xce: case 0xd2: pos += 4; break;
        case 0xcb: case 0xcf: case 0xd3: pos += 8; break;
        case 0xcc: case 0xd0: pos += 1; break;
        case 0xcd: case 0xd1: pos += 2; break;
        case 0xd4: ext(1, pos); break;
        case 0xd5: ext(2, pos); break;
        case 0xd6: ext(4, pos); break;
        case 0xd7: ext(8, pos); break;
        case 0xd8: ext(16, pos); break;
        case 0xdc: need(2); pending += view.getUint16(pos); pos += 2; break;
        case 0xdd: need(4); pending += view.getUint32(pos); pos += 4; break;
        case 0xde: need(2); pending += 2 * view.getUint16(pos); pos += 2; break;
        case 0xdf: need(4); pending += 2 * view.getUint32(pos); pos += 4; break;
        default: throw new TypeError(`Invalid MessagePack byte 0x${b.toString(16)}`);
      }
    }
    if (pos > body.length) throw new RangeError('MessagePack body ends inside a value');
    // A declared count larger than the bytes left cannot be real: each value takes ≥ 1 byte.
    if (pending > body.length - pos) throw new RangeError('MessagePack container declares more items than the body holds');
  }
}
