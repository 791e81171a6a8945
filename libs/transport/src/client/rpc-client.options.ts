import { Socket } from 'net';
import { ConnectionOptions } from 'tls';
import { FramedConnectionOptions } from '../connection/framed-connection.options';
import { SerializerLike } from '../serializers/serializer-registry';
import { BackoffOptions } from './backoff';
import { RpcCredentials } from '../auth/rpc-identity';

export interface RpcClientOptions
  extends Pick<FramedConnectionOptions, 'maxFrameBytes' | 'heartbeatIntervalMs' | 'missedHeartbeats' | 'idleTimeoutMs' | 'maxWriteBufferBytes'> {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 7100. */
  port?: number;
  /** Serializer for requests and events; the server answers in the same one. Default 'json'. */
  serializer?: SerializerLike;
  /** Per-call timeout (ms) unless the call says otherwise; 0 disables. Default 30 000. */
  timeoutMs?: number;
  /** Default 5 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect after a lost connection with jittered exponential backoff; `false` disables. */
  reconnect?: BackoffOptions | false;
  /** Headers sent with every call (merged under the per-call ones). */
  headers?: Record<string, string>;
  /** Connect with TLS using these options (ca, cert, key, servername, ...); `cert` + `key` for mTLS. */
  tls?: ConnectionOptions;
  /**
   * Credential sent once per connection, in the handshake, to a server with `auth`: a string,
   * or a function (sync or async) called for each new connection. A refused one fails the
   * connection and its calls with AuthenticationError.
   */
  credentials?: RpcCredentials;
  /** Full control over the socket (proxies, Unix sockets, custom TLS). Must return a connecting socket. */
  socketFactory?: (options: { host: string; port: number }) => Socket;
}

export type RpcClientStatus = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'closed';

export type RpcClientEvents = {
  connect: (address: string) => void;
  disconnect: (address: string, error: Error | undefined) => void;
  goaway: (address: string) => void;
  error: (error: Error) => void;
};
