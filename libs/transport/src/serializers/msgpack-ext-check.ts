/**
 * Extension types a peer may send: -1 (timestamp → Date) and 0 (msgpackr's `undefined`,
 * `d4 00 00`). Everything else msgpackr would decode on its own (records 0x72, Error 0x65,
 * RegExp 0x78, Set 0x73, cyclic pointers 0x70, bundled strings, typed arrays, ...) is refused:
 * the docs promise plain data, Date, binary and undefined, nothing that builds objects.
 */
function isAllowedExtType(typeByte: number): boolean {
  return typeByte === 0xff || typeByte === 0x00;
}

function u16(body: Uint8Array, pos: number): number {
  return (body[pos] << 8) | body[pos + 1];
}

function u32(body: Uint8Array, pos: number): number {
  return ((body[pos] << 24) | (body[pos + 1] << 16) | (body[pos + 2] << 8) | body[pos + 3]) >>> 0;
}

function need(body: Uint8Array, pos: number, bytes: number): void {
  if (pos + bytes > body.length) throw new RangeError('MessagePack body ends inside a value');
}

/** An extension of `length` data bytes whose type byte is at `typeAt`: checks the type, returns the position after it. */
function ext(body: Uint8Array, length: number, typeAt: number): number {
  need(body, typeAt, length + 1);
  const type = body[typeAt];
  if (!isAllowedExtType(type)) throw new TypeError(`MessagePack extension type ${(type << 24) >> 24} is not accepted (only timestamp and undefined)`);
  return typeAt + 1 + length;
}

/**
 * Walks one MessagePack value (no decoding, no allocation: it runs on every received body) and
 * throws a TypeError naming the first extension type not allowed above. Linear in the body;
 * iterative, so nesting depth cannot overflow the stack.
 */
export function assertPlainMsgpack(body: Uint8Array): void {
  let pos = 0;
  let pending = 1; // values still to walk
  while (pending > 0) {
    need(body, pos, 1);
    const b = body[pos++];
    pending--;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
    if (b <= 0x8f) pending += 2 * (b & 0x0f);
    else if (b <= 0x9f) pending += b & 0x0f;
    else if (b <= 0xbf) {
      need(body, pos, b & 0x1f);
      pos += b & 0x1f;
    } else {
      switch (b) {
        case 0xc4: case 0xd9: need(body, pos, 1); pos += 1 + body[pos]; break;
        case 0xc5: case 0xda: need(body, pos, 2); pos += 2 + u16(body, pos); break;
        case 0xc6: case 0xdb: need(body, pos, 4); pos += 4 + u32(body, pos); break;
        case 0xc7: need(body, pos, 1); pos = ext(body, body[pos], pos + 1); break;
        case 0xc8: need(body, pos, 2); pos = ext(body, u16(body, pos), pos + 2); break;
        case 0xc9: need(body, pos, 4); pos = ext(body, u32(body, pos), pos + 4); break;
        case 0xca: case 0xce: case 0xd2: pos += 4; break;
        case 0xcb: case 0xcf: case 0xd3: pos += 8; break;
        case 0xcc: case 0xd0: pos += 1; break;
        case 0xcd: case 0xd1: pos += 2; break;
        case 0xd4: pos = ext(body, 1, pos); break;
        case 0xd5: pos = ext(body, 2, pos); break;
        case 0xd6: pos = ext(body, 4, pos); break;
        case 0xd7: pos = ext(body, 8, pos); break;
        case 0xd8: pos = ext(body, 16, pos); break;
        case 0xdc: need(body, pos, 2); pending += u16(body, pos); pos += 2; break;
        case 0xdd: need(body, pos, 4); pending += u32(body, pos); pos += 4; break;
        case 0xde: need(body, pos, 2); pending += 2 * u16(body, pos); pos += 2; break;
        case 0xdf: need(body, pos, 4); pending += 2 * u32(body, pos); pos += 4; break;
        default: throw new TypeError(`Invalid MessagePack byte 0x${b.toString(16)}`);
      }
    }
    if (pos > body.length) throw new RangeError('MessagePack body ends inside a value');
    // A declared count larger than the bytes left cannot be real: each value takes ≥ 1 byte.
    if (pending > body.length - pos) throw new RangeError('MessagePack container declares more items than the body holds');
  }
}
