import { Enum, Reader, Type } from 'protobufjs';
import { MAX_ENVELOPE_DEPTH } from './protobuf-envelope';

/** Wire type each scalar field type is encoded with. */
const SCALAR_WIRE: Readonly<Record<string, number>> = {
  double: 1, fixed64: 1, sfixed64: 1,
  float: 5, fixed32: 5, sfixed32: 5,
  int32: 0, int64: 0, uint32: 0, uint64: 0, sint32: 0, sint64: 0, bool: 0,
  string: 2, bytes: 2,
};

/**
 * Throws a TypeError unless `body` is an encoding of `type`: every field number is one of the
 * type's fields, with that field's wire type (packed repeated scalars included), nested
 * messages checked the same way. protobufjs' decoder itself reads a field by its number
 * whatever the wire type and skips unknown numbers, so a body meant for another type (or an
 * envelope) decodes "successfully" into default values. Both peers must share the `types`
 * (the serializer's documented contract), so an unknown field is a mismatch, not a newer peer.
 */
export function assertWireMatches(type: Type, body: Uint8Array): void {
  const reader = Reader.create(body);
  walk(type, reader, body.length, 0);
}

function walk(type: Type, r: Reader, end: number, depth: number): void {
  if (depth > MAX_ENVELOPE_DEPTH) throw new RangeError(`Message nested deeper than ${MAX_ENVELOPE_DEPTH} levels`);
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    const field = type.fieldsById[id];
    if (field === undefined) throw new TypeError(`field number ${id} is not a field of ${type.name}`);
    field.resolve();
    const message = !field.map && field.resolvedType instanceof Type ? field.resolvedType : undefined;
    const expected = field.map || message !== undefined ? 2 : field.resolvedType instanceof Enum ? 0 : SCALAR_WIRE[field.type];
    const packed = field.repeated && wire === 2 && expected !== 2;
    if (wire !== expected && !packed) throw new TypeError(`${type.name}.${field.name}: wire type ${wire}, expected ${expected}`);
    if (message !== undefined) {
      const length = r.uint32();
      const subEnd = r.pos + length;
      if (subEnd > end) throw new RangeError(`${type.name}.${field.name} overruns its message`);
      walk(message, r, subEnd, depth + 1);
    } else {
      r.skipType(wire);
    }
  }
  if (r.pos !== end) throw new RangeError(`${type.name} overruns its message`);
}
