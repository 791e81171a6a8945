/** Why a value is being (de)serialized: lets schema-based serializers pick a message type. */
export type PayloadKind = 'request' | 'response' | 'event' | 'error' | 'transport-error';

export interface SerializeContext {
  /** Normalized pattern of the call the payload belongs to. */
  pattern: string;
  kind: PayloadKind;
}

/**
 * Turns values into frame bodies and back. The `id` travels in every frame header, so both
 * peers must agree on it; built-in ids are 1..15, user serializers take 16..255.
 *
 * `undefined` never reaches a serializer: the frame marks "no body" instead.
 */
export abstract class Serializer {
  abstract readonly id: number;
  abstract readonly name: string;
  /** Bytes, or a string meaning its UTF-8 encoding (encoded once, straight into the frame). */
  abstract serialize(value: unknown, context: SerializeContext): Uint8Array | string;
  abstract deserialize(body: Buffer, context: SerializeContext): unknown;
  /**
   * Optional: true when `deserialize` keeps no view of `body`, so that nothing it returns
   * shares the received bytes (strings, numbers, copied binary). The body is only valid until
   * the next read: with every serializer it knows saying so, a client reads its socket into one
   * process-wide buffer instead of a fresh one per read. Leave it unset if a result may be (or
   * hold) `body.subarray(...)`: the client then reads into fresh buffers, which such views keep.
   */
  readonly keepsNoBodyView?: boolean;
  /**
   * Optional: the same bytes as `serialize`, but `headroom` bytes into a buffer it returns, whose
   * first `headroom` bytes the transport fills with the frame's header: the body is never copied.
   * Returns undefined when it cannot leave that much room (the transport then calls `serialize`).
   */
  serializeWithHeadroom?(value: unknown, context: SerializeContext, headroom: number): Buffer | undefined;
}

