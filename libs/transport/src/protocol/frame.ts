import { MessageType } from './message-type';

/** Metadata carried between the header and the body. Every field is optional. */
export interface FrameMetadata {
  /** Normalized Nest pattern (requests and events). */
  pattern?: string;
  /** Milliseconds the caller will still wait (requests); the server derives its deadline. */
  timeoutMs?: number;
  /** W3C trace context. */
  traceparent?: string;
  tracestate?: string;
  /** Service version the call is addressed to (version routing in the server starter). */
  version?: string;
  /** The client's credential (handshake PING only): verified once per connection, never logged. */
  credential?: string;
  /** User headers (string → string). */
  headers?: Record<string, string>;
}

/** One decoded frame. `body` is a view into the received bytes: decode it before the next read. */
export interface Frame {
  type: MessageType;
  serializerId: number;
  flags: number;
  seq: number;
  meta: FrameMetadata;
  /** Undefined when the frame carries no body (length 0). */
  body: Buffer | undefined;
}

/** What `encodeFrame` takes: a frame whose body is already serialized. */
export interface OutgoingFrame {
  type: MessageType;
  serializerId?: number;
  flags?: number;
  seq?: number;
  meta?: FrameMetadata;
  /** Encoded bytes, or UTF-8 text (written straight into the frame, no intermediate buffer). */
  body?: Uint8Array | string;
}
