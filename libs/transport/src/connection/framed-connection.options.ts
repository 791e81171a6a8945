import { ByteBudget } from './byte-budget';
import type { SharedBufferReads } from './shared-read-buffer';


export interface FramedConnectionOptions {
  /** Largest frame accepted or sent. Default DEFAULT_MAX_FRAME_BYTES (8 MiB). */
  maxFrameBytes?: number;
  /** Serializer ids the decoder accepts; others close the connection with UnknownSerializerError. */
  knownSerializerIds?: Iterable<number>;
  /** Silence (nothing received) after which a PING goes out. Default 1000; 0 disables heartbeats. */
  heartbeatIntervalMs?: number;
  /** The peer is declared dead (HeartbeatTimeoutError) after `heartbeatIntervalMs × missedHeartbeats` of silence. Default 2. */
  missedHeartbeats?: number;
  /** Close after this long without application frames while nothing is in flight. Default 0 (off). */
  idleTimeoutMs?: number;
  /**
   * A frame once started must be complete within this many ms (ReadTimeoutError otherwise):
   * any byte counts for the heartbeat, so without it a one-byte-a-second peer lives forever.
   * Default DEFAULT_FRAME_TIMEOUT_MS (10 000); 0 disables. Checked at heartbeat resolution.
   */
  frameTimeoutMs?: number;
  /** The first complete frame must arrive within this many ms of connecting. Default 0 (off; servers set it). */
  handshakeTimeoutMs?: number;
  /** Shared cap on partial-frame memory over many connections (the server's `maxPendingFrameBytes`). */
  pendingFrameBudget?: ByteBudget;
  /** Shared cap on outgoing bytes over many connections (the server's `maxServerWriteBufferBytes`). */
  writeBudget?: ByteBudget;
  /**
   * Close (WriteBufferFullError) when the outgoing buffer stays above half of
   * `maxWriteBufferBytes` this long: the peer is not reading. Default 0 (off; servers set DEFAULT_WRITE_STALL_TIMEOUT_MS).
   */
  writeStallTimeoutMs?: number;
  /** Bound on buffered outgoing bytes. Default 64 MiB. */
  maxWriteBufferBytes?: number;
  /**
   * When outgoing bytes exceed `maxWriteBufferBytes`, stop reading until the socket drains.
   * Safe for servers only: the client side must always keep reading, or both ends could wait
   * on each other (the failure mode of Nest's TCP transport under large in-flight volume).
   */
  pauseReadingWhenBackedUp?: boolean;
  /** Human-readable peer name for logs and errors. */
  label?: string;
  /**
   * The socket reads into the process-wide shared buffer (created with `reads.onread`): its
   * chunks come from here instead of 'data' events, and any frame held past the read is copied.
   */
  reads?: SharedBufferReads;
}
