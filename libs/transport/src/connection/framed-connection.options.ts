import { Frame } from '../protocol/frame';
import { FramedConnection } from './framed-connection';

export interface FramedConnectionOptions {
  /** Largest frame accepted or sent. Default DEFAULT_MAX_FRAME_BYTES (8 MiB). */
  maxFrameBytes?: number;
  /** Serializer ids the decoder accepts; others close the connection with UnknownSerializerError. */
  knownSerializerIds?: Iterable<number>;
  /** Liveness check period; a PING goes out after one silent period. Default 5000; 0 disables. */
  heartbeatIntervalMs?: number;
  /** Silent periods before the connection is closed with HeartbeatTimeoutError. Default 3. */
  missedHeartbeats?: number;
  /** Close after this long without application frames while nothing is in flight. Default 0 (off). */
  idleTimeoutMs?: number;
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
}

export interface ConnectionHandler {
  /** Every frame except heartbeats, which the connection answers itself. */
  onFrame(frame: Frame, connection: FramedConnection): void;
  /** Called once, when the socket is gone. `error` is undefined for an orderly close. */
  onClose(error: Error | undefined, connection: FramedConnection): void;
  /** True while calls are in flight, so the idle timer leaves the connection alone. */
  isBusy?(connection: FramedConnection): boolean;
}
