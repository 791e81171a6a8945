/** First two bytes of every frame: ASCII "NR" (nestrpc). */
export const FRAME_MAGIC = 0x4e52;
/** Protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;
/** Port a server binds and a client dials when none is given. */
export const DEFAULT_PORT = 7100;
/** Bytes in the fixed frame header. */
export const HEADER_BYTES = 16;
/** The metadata length field is a u16. */
export const MAX_METADATA_BYTES = 0xffff;
/** Default cap on one whole frame (header + metadata + body). */
export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Header field offsets (big-endian). See docs/protocol.md. */
export enum HeaderOffset {
  Magic = 0,
  Version = 2,
  Type = 3,
  Serializer = 4,
  Flags = 5,
  MetadataLength = 6,
  Sequence = 8,
  BodyLength = 12,
}
