import { Enum, Field, MapField, OneOf, Root, Type } from 'protobufjs';

/** Protobuf package of the generic envelope. */
export const ENVELOPE_PACKAGE = 'nestrpc.envelope.v1';
/** Fully qualified name of the envelope message every schema-less body is encoded as. */
export const ENVELOPE_TYPE_NAME = `${ENVELOPE_PACKAGE}.Value`;

/**
 * Field numbers of `Value`. 1..6 are those of `google.protobuf.Value`, so a peer that only knows
 * that type reads every body made of null/number/string/bool/object/array; 7..9 are ours.
 */
export enum EnvelopeField {
  Null = 1,
  Number = 2,
  String = 3,
  Bool = 4,
  Struct = 5,
  List = 6,
  Bytes = 7,
  Timestamp = 8,
  BigInt = 9,
}

let cachedRoot: Root | undefined;

/**
 * The envelope schema as protobufjs reflection (no .proto file needed), equivalent to:
 *
 * ```proto
 * syntax = "proto3";
 * package nestrpc.envelope.v1;
 * enum NullValue { NULL_VALUE = 0; }
 * message Value {
 *   oneof kind {
 *     NullValue null_value = 1; double number_value = 2; string string_value = 3;
 *     bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6;
 *     bytes bytes_value = 7; Timestamp timestamp_value = 8; string bigint_value = 9;
 *   }
 * }
 * message Struct { map<string, Value> fields = 1; }
 * message ListValue { repeated Value values = 1; }
 * message Timestamp { int64 seconds = 1; int32 nanos = 2; }
 * ```
 *
 * The serializer encodes and decodes this layout with a dedicated walker (see
 * protobuf-envelope.ts) and never needs the reflection objects on its hot path; they are built
 * on first use for peers and tools that want the descriptor (`root.toJSON()`).
 */
export function envelopeRoot(): Root {
  if (cachedRoot !== undefined) return cachedRoot;
  const value = new Type('Value')
    .add(new OneOf('kind'))
    .add(new Field('nullValue', EnvelopeField.Null, 'NullValue'))
    .add(new Field('numberValue', EnvelopeField.Number, 'double'))
    .add(new Field('stringValue', EnvelopeField.String, 'string'))
    .add(new Field('boolValue', EnvelopeField.Bool, 'bool'))
    .add(new Field('structValue', EnvelopeField.Struct, 'Struct'))
    .add(new Field('listValue', EnvelopeField.List, 'ListValue'))
    .add(new Field('bytesValue', EnvelopeField.Bytes, 'bytes'))
    .add(new Field('timestampValue', EnvelopeField.Timestamp, 'Timestamp'))
    .add(new Field('bigintValue', EnvelopeField.BigInt, 'string'));
  const kind = value.oneofs.kind;
  for (const field of value.fieldsArray) kind.add(field);

  const root = new Root();
  root
    .define(ENVELOPE_PACKAGE)
    .add(new Enum('NullValue', { NULL_VALUE: 0 }))
    .add(value)
    .add(new Type('Struct').add(new MapField('fields', 1, 'string', 'Value')))
    .add(new Type('ListValue').add(new Field('values', 1, 'Value', 'repeated')))
    .add(new Type('Timestamp').add(new Field('seconds', 1, 'int64')).add(new Field('nanos', 2, 'int32')));
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** The envelope's `Value` type (reflection), for interop and tooling. */
export function envelopeType(): Type {
  return envelopeRoot().lookupType(ENVELOPE_TYPE_NAME);
}
