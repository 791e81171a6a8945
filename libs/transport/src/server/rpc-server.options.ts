import { Server as NetServer, Socket } from 'net';
import { TlsOptions } from 'tls';
import { FramedConnectionOptions } from '../connection/framed-connection.options';
import { SerializerLike } from '../serializers/serializer-registry';

export interface RpcServerOptions
  extends Pick<FramedConnectionOptions, 'maxFrameBytes' | 'heartbeatIntervalMs' | 'missedHeartbeats' | 'idleTimeoutMs' | 'maxWriteBufferBytes'> {
  /** Interface to bind. Default '0.0.0.0'. */
  host?: string;
  /** Port to bind; 0 picks a free one (read it back with `address()`). Default 7100. */
  port?: number;
  /** Serializers callers may use; the server answers in the caller's. Default json, msgpack, protobuf. */
  serializers?: SerializerLike[];
  /** Default 10 000. */
  maxConnections?: number;
  /** Default 1024; calls over it are refused with a retryable OVERLOADED error. */
  maxInFlightPerConnection?: number;
  /** How long drain() (graceful stop; the server starter's shutdown) lets calls finish. close() does not wait. Default 10 000 ms. */
  drainTimeoutMs?: number;
  /** Serve TLS with these options (key, cert, ca, requestCert, ...). */
  tls?: TlsOptions;
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
