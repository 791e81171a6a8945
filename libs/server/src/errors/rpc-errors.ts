/**
 * Every error a provider app can catch from the server starter (start-up, registration, the
 * names it declares), so it needs no import from the transport or discovery packages. The same
 * classes (not copies); `RpcError` is the base of all of them.
 */
export { InvalidServiceNameError, RpcError } from '@nestrpc/common';
export { FrameTooLargeError, ServerClosedError, ServerDrainingError } from '@nestrpc/transport';
export {
  DiscoveryError,
  InvalidInstanceError,
  InvalidVersionError,
  RegistryClosedError,
  RegistryRequestError,
  RegistryUnavailableError,
} from '@nestrpc/discovery';
