import { RpcError } from '../errors/rpc.error';
import { SerializationError } from '../errors/serialization.error';
import { allocateFrame } from '../connection/frame-arena';
import { Frame, OutgoingFrame } from '../protocol/frame';
import { HEADER_BYTES } from '../protocol/constants';
import { encodeFrame, encodeFrameAround, frameHeadBytes } from '../protocol/frame-encoder';
import { PayloadKind, Serializer } from '../serializers/serializer';
import { SerializerRegistry } from '../serializers/serializer-registry';

/** A frame whose body is still a value: the codec serializes it. */
export interface ValueFrame extends Omit<OutgoingFrame, 'body' | 'serializerId'> {
  /** `undefined` means "no body" (a flag on the wire), never a serializer call. */
  value: unknown;
  kind: PayloadKind;
  /** The call's pattern, for the serializer (schema lookup); answers do not repeat it on the wire. */
  pattern: string;
}

/**
 * The one way a payload becomes a frame and back, on both ends: serialize with the call's
 * serializer (failures become SerializationError, our own RpcErrors pass through), then encode
 * with the size check (FrameTooLargeError before anything is queued); decode with the
 * serializer the frame names.
 */
export class PayloadCodec {
  constructor(
    readonly serializers: SerializerRegistry,
    private readonly maxFrameBytes?: number,
  ) {}

  /** Serialized, size-checked frame bytes ready for `FramedConnection.write`. Throws SerializationError / FrameTooLargeError. */
  encode(serializer: Serializer, frame: ValueFrame): Buffer {
    const value = frame.value;
    let body: Uint8Array | string | undefined;
    /** Known once the headroom was asked for: the fallback does not size the metadata again. */
    let metaLength: number | undefined;
    try {
      if (value !== undefined) {
        const context = { pattern: frame.pattern, kind: frame.kind };
        if (serializer.serializeWithHeadroom !== undefined) {
          // The serializer leaves room for the header: its buffer becomes the frame, the body is not copied.
          const headBytes = frameHeadBytes(frame);
          const whole = serializer.serializeWithHeadroom(value, context, headBytes);
          if (whole !== undefined) {
            return encodeFrameAround({ type: frame.type, seq: frame.seq, flags: frame.flags, meta: frame.meta, serializerId: serializer.id }, whole, headBytes, this.maxFrameBytes);
          }
          metaLength = headBytes - HEADER_BYTES;
        }
        body = serializer.serialize(value, context);
      }
    } catch (err) {
      throw err instanceof RpcError ? err : new SerializationError(serializer.name, 'serialize', err);
    }
    // Fields listed, not spread: this runs once per frame on both ends. A large frame (a JSON body
    // of some KiB) is written into the frame arena, as msgpack packs into it, not into fresh memory.
    return encodeFrame({ type: frame.type, seq: frame.seq, flags: frame.flags, meta: frame.meta, serializerId: serializer.id, body }, this.maxFrameBytes, metaLength, allocateFrame);
  }

  /** The frame's body as a value (undefined when it has none). Throws SerializationError. */
  decode(frame: Frame, pattern: string, kind: PayloadKind): unknown {
    if (frame.body === undefined) return undefined;
    const serializer = this.serializers.get(frame.serializerId);
    try {
      return serializer.deserialize(frame.body, { pattern, kind });
    } catch (err) {
      throw err instanceof RpcError ? err : new SerializationError(serializer.name, 'deserialize', err);
    }
  }
}
