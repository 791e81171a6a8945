import { Writer } from 'protobufjs';
import { decodeEnvelope, encodeEnvelope, MAX_ENVELOPE_BIGINT_DIGITS } from './protobuf-envelope';
import { ENVELOPE_TYPE_NAME, EnvelopeField, envelopeRoot, envelopeType } from './protobuf-envelope.schema';

const GOOGLE_VALUE = {
  nested: {
    google: { nested: { protobuf: { nested: {
      NullValue: { values: { NULL_VALUE: 0 } },
      Value: {
        oneofs: { kind: { oneof: ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] } },
        fields: {
          nullValue: { type: 'NullValue', id: 1 }, numberValue: { type: 'double', id: 2 }, stringValue: { type: 'string', id: 3 },
          boolValue: { type: 'bool', id: 4 }, structValue: { type: 'Struct', id: 5 }, listValue: { type: 'ListValue', id: 6 },
        },
      },
      Struct: { fields: { fields: { keyType: 'string', type: 'Value', id: 1 } } },
      ListValue: { fields: { values: { rule: 'repeated', type: 'Value', id: 1 } } },
    } } } },
  },
};

describe('protobuf envelope codec', () => {
  const Value = envelopeType();

  it('builds the reflection schema once, under nestrpc.envelope.v1', () => {
    expect(envelopeRoot()).toBe(envelopeRoot());
    expect(Value.fullName).toBe(`.${ENVELOPE_TYPE_NAME}`);
    expect(Object.keys(Value.fields)).toHaveLength(9);
  });

  it('writes what the reflection schema reads', () => {
    const value = { n: 1.5, s: 'x', b: true, z: null, list: [1, { deep: 'y' }], bytes: Buffer.from([9]), at: new Date(1500), big: 7n };
    const object = Value.toObject(Value.decode(encodeEnvelope(value)), { longs: Number });
    expect(object.structValue.fields.list.listValue.values[1].structValue.fields.deep).toEqual({ stringValue: 'y' });
    expect(object.structValue.fields.bytes).toEqual({ bytesValue: Buffer.from([9]) });
    expect(object.structValue.fields.at).toEqual({ timestampValue: { seconds: 1, nanos: 500_000_000 } });
    expect(object.structValue.fields.big).toEqual({ bigintValue: '7' });
    expect(object.structValue.fields.z).toEqual({ nullValue: 0 });
  });

  it('reads what the reflection schema writes, and is byte-identical for a single-key object', () => {
    const message = Value.fromObject({
      structValue: { fields: { k: { listValue: { values: [{ numberValue: -2 }, { nullValue: 0 }, { timestampValue: { seconds: -1, nanos: 999_000_000 } }] } } } },
    });
    const bytes = Value.encode(message).finish();
    expect(decodeEnvelope(bytes)).toEqual({ k: [-2, null, new Date(-1)] });
    expect(Buffer.from(encodeEnvelope({ k: [-2, null, new Date(-1)] }))).toEqual(Buffer.from(bytes));
  });

  it('is readable as google.protobuf.Value for JSON-like data', async () => {
    const { Root } = await import('protobufjs');
    const GoogleValue = Root.fromJSON(GOOGLE_VALUE).lookupType('google.protobuf.Value');
    const object = GoogleValue.toObject(GoogleValue.decode(encodeEnvelope({ a: [1, 'two', false, null] })));
    expect(object).toEqual({
      structValue: { fields: { a: { listValue: { values: [{ numberValue: 1 }, { stringValue: 'two' }, { boolValue: false }, { nullValue: 0 }] } } } },
    });
  });

  it('skips unknown fields and keeps the last of repeated map keys and oneof members', () => {
    const message = Value.fromObject({ structValue: { fields: { a: { stringValue: 'first' } } } });
    const first = Buffer.from(Value.encode(message).finish());
    const second = Buffer.from(encodeEnvelope({ a: 'second' }));
    // field 15, varint 1: unknown to this version
    const unknown = Buffer.from([0x78, 0x01]);
    expect(decodeEnvelope(Buffer.concat([unknown, first, second]))).toEqual({ a: 'second' });
  });

  it('refuses nested lengths that overrun their parent', () => {
    // struct_value of declared length 5 that only holds 2 bytes of content
    expect(() => decodeEnvelope(Buffer.from([0x2a, 0x05, 0x0a, 0x00]))).toThrow(RangeError);
  });
});

describe('protobuf envelope bigint bounds', () => {
  const bigintBody = (digits: string) => Writer.create().uint32((EnvelopeField.BigInt << 3) | 2).string(digits).finish();

  it(`refuses a bigint longer than MAX_ENVELOPE_BIGINT_DIGITS (${MAX_ENVELOPE_BIGINT_DIGITS}) before parsing it`, () => {
    // 1 MiB of digits: BigInt() alone would take tens of ms (8 MiB took ~2 s); refused from its length.
    expect(() => decodeEnvelope(bigintBody('9'.repeat(1024 * 1024)))).toThrow(RangeError);
    expect(() => decodeEnvelope(bigintBody('9'.repeat(MAX_ENVELOPE_BIGINT_DIGITS + 1)))).toThrow(/MAX_ENVELOPE_BIGINT_DIGITS/);
    expect(() => encodeEnvelope(10n ** BigInt(MAX_ENVELOPE_BIGINT_DIGITS))).toThrow(RangeError);
  });

  it('keeps bigints up to the bound and refuses non-decimal text', () => {
    const big = -(10n ** BigInt(MAX_ENVELOPE_BIGINT_DIGITS - 2));
    expect(decodeEnvelope(encodeEnvelope(big))).toBe(big);
    expect(() => decodeEnvelope(bigintBody('0x1f'))).toThrow(/decimal/);
  });
});
