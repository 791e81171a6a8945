/**
 * The public API of @nestrpc/transport. Explicit named exports only: what an app, a starter or a
 * custom serializer needs. Connection internals (ServerConnection, ClientConnection, PendingCalls,
 * the frame codec, byte budgets, log limiter) stay inside the package; the monorepo's own tests
 * import them by file path. api/transport.api.md lists this surface and CI checks it.
 */

// Errors a caller catches.
export { RpcError } from './errors/rpc.error';
export { ProtocolError } from './errors/protocol.error';
export { BadMagicError } from './errors/bad-magic.error';
export { UnsupportedVersionError } from './errors/unsupported-version.error';
export { UnknownMessageTypeError } from './errors/unknown-message-type.error';
export { FrameTooLargeError } from './errors/frame-too-large.error';
export { UnknownSerializerError } from './errors/unknown-serializer.error';
export { SerializationError } from './errors/serialization.error';
export { ConnectionClosedError } from './errors/connection-closed.error';
export { ConnectionRefusedError } from './errors/connection-refused.error';
export { ConnectTimeoutError } from './errors/connect-timeout.error';
export { ServerClosedError } from './errors/server-closed.error';
export { ServerAlreadyStartedError } from './errors/server-already-started.error';
export { RpcTimeoutError } from './errors/timeout.error';
export { HeartbeatTimeoutError } from './errors/heartbeat-timeout.error';
export { ReadTimeoutError } from './errors/read-timeout.error';
export { PendingFramesLimitError } from './errors/pending-frames-limit.error';
export { ResponseDroppedError } from './errors/response-dropped.error';
export { StreamBackpressureError } from './errors/stream-backpressure.error';
export { ServerDrainingError } from './errors/server-draining.error';
export { WriteBufferFullError } from './errors/write-buffer-full.error';
export { NotConnectedError } from './errors/not-connected.error';
export { AuthenticationError } from './errors/authentication.error';
export { ForbiddenError } from './errors/forbidden.error';
export { RemoteError } from './errors/remote.error';
export { UnknownPatternError } from './errors/unknown-pattern.error';
export { ServerOverloadedError } from './errors/server-overloaded.error';
export { InvalidMessageError } from './errors/invalid-message.error';

// Protocol facts a deployment or a peer implementation names.
export { PROTOCOL_VERSION, DEFAULT_PORT, DEFAULT_MAX_FRAME_BYTES } from './protocol/constants';

// Serializers: the base class and context a custom serializer implements, the built-ins, the registry.
export type { PayloadKind, SerializeContext } from './serializers/serializer';
export { Serializer } from './serializers/serializer';
export { DEFAULT_SERIALIZER, FIRST_CUSTOM_SERIALIZER_ID } from './serializers/constants';
export { JsonSerializer } from './serializers/json.serializer';
export type { MsgpackSerializerOptions } from './serializers/msgpack.serializer';
export { MsgpackSerializer } from './serializers/msgpack.serializer';
export type { ProtobufPatternTypes, ProtobufSerializerOptions } from './serializers/protobuf.serializer';
export { ProtobufSerializer } from './serializers/protobuf.serializer';
export type { SerializerLike } from './serializers/serializer-types';
export { serializers } from './serializers/serializer-types';
export { DEFAULT_SERIALIZERS, SerializerRegistry } from './serializers/serializer-registry';
export { ENVELOPE_TYPE_NAME, envelopeRoot, envelopeType } from './serializers/protobuf-envelope.schema';

// The one shape of every pluggable part (serializers here; balancers and cluster strategies follow it).
// The pluggable registry lives in @nestrpc/common (balancers use it too); re-exported, the same class.
export type { PluggableClass, PluggableSpec, UnknownPluggable } from '@nestrpc/common';
export { PluggableRegistry } from '@nestrpc/common';

// Connection defaults the starters reuse.
export { DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_MISSED_HEARTBEATS } from './connection/constants';

// Server.
export { DEFAULT_AUTH_VERIFY_TIMEOUT_MS, DEFAULT_SERVER_HOST, DEFAULT_SERVER_PORT } from './server/constants';
export type {
  ConnectionStats,
  RpcServerEvents,
  RpcServerOptions,
  RpcServerStatus,
} from './server/rpc-server.options';
export { RpcContext } from './server/rpc.context';
export { RpcServer } from './server/rpc.server';

// Client.
export { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './client/constants';
export type { BackoffOptions } from './client/backoff';
export type { RpcCallOptions } from './client/rpc-record';
export { RpcRecord, RpcRecordBuilder } from './client/rpc-record';
export type { RpcClientEvents, RpcClientOptions, RpcClientStatus } from './client/rpc-client.options';
export { RpcClient } from './client/rpc.client';

// Contracts: how a service name and method map onto a wire pattern.
export type { RpcContract } from './contract/contract';
export {
  NON_REMOTE_PROPERTIES,
  SERVICE_METHOD_SEPARATOR,
  methodPattern,
  serviceNameOf,
} from './contract/contract';

// Per-call scope (deadline and trace context of the call being served).
export type { CallScope } from './context/call-scope';
export { currentCallScope, enableCallScopes } from './context/call-scope';

// Server overload limits (RpcServerOptions.limits, @RpcService limits).
export type { CallerKey, MethodLimits, RateLimit, RpcServerLimits } from './server/limits/call-limits.options';
export { defaultCallerKey } from './server/limits/caller-key';

// Authentication and identity (RpcServerOptions.auth, RpcClientOptions.credentials, RpcContext.getIdentity()).
export type {
  RpcAuthRequest,
  RpcCredentials,
  RpcIdentity,
  RpcPeerCertificate,
  RpcServerAuthOptions,
  RpcTokenVerifier,
} from './auth/rpc-identity';
export { MAX_CREDENTIAL_BYTES } from './auth/client-credentials';

// Instrumentation hooks (the observability package installs one).
export type {
  CallProbe,
  ClusterSignal,
  LogicalCallInfo,
  LogicalCallProbe,
  RpcCallInfo,
  RpcInstrumentation,
  SocketCounters,
} from './instrumentation/rpc-instrumentation';
export { installRpcInstrumentation, rpcInstrumentation } from './instrumentation/instrumentation-hub';
