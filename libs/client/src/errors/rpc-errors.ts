/**
 * Every error a caller of the client starter can catch, so an app needs no import from the
 * transport or discovery packages. The same classes (not copies): `instanceof` works whichever
 * package a check imports them from. `RpcError` is the base of all of them.
 */
export { InvalidPatternError, InvalidServiceNameError, RpcError } from '@nestrpc/common';
export {
  BadMagicError,
  ConnectionClosedError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  FrameTooLargeError,
  HeartbeatTimeoutError,
  InvalidMessageError,
  NotConnectedError,
  PendingFramesLimitError,
  ProtocolError,
  ReadTimeoutError,
  RemoteError,
  ResponseDroppedError,
  RpcTimeoutError,
  SerializationError,
  ServerClosedError,
  ServerDrainingError,
  ServerOverloadedError,
  StreamBackpressureError,
  UnknownMessageTypeError,
  UnknownPatternError,
  UnknownSerializerError,
  UnsupportedVersionError,
  WriteBufferFullError,
} from '@nestrpc/transport';
export {
  DiscoveryError,
  InvalidGovernanceRuleError,
  InvalidInstanceError,
  InvalidVersionError,
  InvalidVersionRangeError,
  NoProvidersError,
  RegistryClosedError,
  RegistryRequestError,
  RegistryUnavailableError,
} from '@nestrpc/discovery';
