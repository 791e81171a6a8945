import { Server as NetServer, Socket } from 'net';
import { TlsOptions } from 'tls';
import { FramedConnectionOptions } from '../connection/framed-connection.options';
import { SerializerLike } from '../serializers/serializer-registry';
import { RpcServerLimits } from './limits/call-limits.options';
import { RpcServerAuthOptions } from '../auth/rpc-identity';

export interface RpcServerOptions
  extends Pick<FramedConnectionOptions, 'maxFrameBytes' | 'heartbeatIntervalMs' | 'missedHeartbeats' | 'maxWriteBufferBytes' | 'frameTimeoutMs'> {
  /** Close connections with no application frame and nothing in flight for this long. Default 300 000 (5 min); 0 = never. */
  idleTimeoutMs?: number;
  /** A new connection must send a complete frame (and finish TLS) within this many ms. Default 10 000; 0 = never. */
  handshakeTimeoutMs?: number;
  /** Interface to bind. Default '0.0.0.0'. */
  host?: string;
  /** Port to bind; 0 picks a free one (read it back with `address()`). Default 7100. */
  port?: number;
  /** Serializers callers may use; the server answers in the caller's. Default json, msgpack, protobuf. */
  serializers?: SerializerLike[];
  /** Default 10 000. */
  maxConnections?: number;
  /** Connections from one remote address at once; more are closed on arrival. Default 1 000; 0 = no limit. */
  maxConnectionsPerAddress?: number;
  /**
   * Bytes held in unfinished frames over all connections. A connection whose partial frame
   * would take the total over it is closed with PendingFramesLimitError. Default 128 MiB.
   */
  maxPendingFrameBytes?: number;
  /**
   * Unread answers (bytes) held over all connections. Above it calls are refused with retryable
   * ServerOverloadedError and finished answers are dropped (ResponseDroppedError). Default 256 MiB.
   * Per connection, `maxWriteBufferBytes` stops reading, then drops answers; see the README.
   */
  maxServerWriteBufferBytes?: number;
  /** Close a connection whose write buffer stays above half of `maxWriteBufferBytes` this long (ms). Default 30 000; 0 = never. */
  writeStallTimeoutMs?: number;
  /** Default 1024; calls over it are refused with a retryable OVERLOADED error. */
  maxInFlightPerConnection?: number;
  /**
   * Overload protection: concurrency limits (global, per pattern) and token-bucket rate limits
   * (per pattern, per caller). Refused calls get a retryable ServerOverloadedError before the
   * handler runs. Default: none (see docs/security.md).
   */
  limits?: RpcServerLimits;
  /** How long drain() (graceful stop; the server starter's shutdown) lets calls finish. close() does not wait. Default 10 000 ms. */
  drainTimeoutMs?: number;
  /**
   * Serve TLS with these options (key, cert, ca, ...). mTLS: `requestCert: true` with `ca` the
   * clients' CA; Node's default `rejectUnauthorized: true` then refuses clients without a valid
   * certificate during the handshake, and the verified certificate becomes the caller's identity.
   */
  tls?: TlsOptions;
  /**
   * Token authentication: every connection's credential (sent by the client's `credentials`)
   * goes to `verifyToken` before any call on it runs; refused connections are closed with
   * AuthenticationError. See docs/security.md.
   */
  auth?: RpcServerAuthOptions;
  /** Full control over the listening socket (e.g. a pre-bound server); overrides `tls`. */
  serverFactory?: (onConnection: (socket: Socket) => void) => NetServer;
}

export type RpcServerStatus = 'listening' | 'draining' | 'closed' | 'error';

export type RpcServerEvents = {
  listening: (address: { host: string; port: number }) => void;
  connection: (peer: string) => void;
  disconnect: (peer: string, error: Error | undefined) => void;
  draining: () => void;
  error: (error: Error) => void;
};

/** One connection's memory, as `RpcServer.connectionStats()` reports it. */
export interface ConnectionStats {
  peer: string;
  /** Bytes received of a frame not yet complete. */
  pendingFrameBytes: number;
  /** Memory holding them (the partial-frame buffer's capacity). */
  pendingFrameHeldBytes: number;
  /** Answers accepted but not yet taken by the kernel. */
  writableBytes: number;
}
