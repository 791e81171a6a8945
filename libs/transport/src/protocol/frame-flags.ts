/** Bit flags in header byte 5. Unknown bits are ignored by receivers (forward compatibility). */
export enum FrameFlags {
  None = 0,
  /** Request: the caller declares the call safe to run more than once (may be retried). */
  Idempotent = 0x01,
  /** Request: the body is absent (the value `undefined`), not an encoded value. */
  NoBody = 0x02,
  /**
   * ERROR/STREAM_ERROR: the error comes from the transport, not from the handler; the body is
   * `{ code, message, retryable }` and clients map `code` to a typed error (DRAINING,
   * OVERLOADED, UNKNOWN_PATTERN, ...). Without this bit the body is the handler's error payload.
   */
  TransportError = 0x04,
}
