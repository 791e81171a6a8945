/**
 * The public API of @nestrpc/common, the bottom package every other nestrpc package builds on:
 * the one error base, the one backoff, deadline helpers and the service-name / pattern rule.
 * Explicit named exports only; api/common.api.md lists this surface and CI checks it.
 */

// The error base of every nestrpc error, and the errors of the naming rule.
export type { RpcErrorOptions } from './errors/rpc.error';
export { RpcError } from './errors/rpc.error';
export { InvalidServiceNameError } from './errors/invalid-service-name.error';
export { InvalidPatternError } from './errors/invalid-pattern.error';
export { messageOf } from './errors/message-of';

// The one backoff: jittered exponential delays and one unref'd timer.
export type { BackoffOptions, ResolvedBackoffOptions } from './backoff/backoff';
export { Backoff, backoffDelay, resolveBackoffOptions } from './backoff/backoff';
export {
  DEFAULT_BACKOFF_INITIAL_DELAY_MS,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_MAX_DELAY_MS,
  DEFAULT_BACKOFF_MULTIPLIER,
} from './backoff/backoff.constants';

// One shape for every pluggable part (serializers, balancers, cluster strategies).
export type { PluggableClass, PluggableSpec, UnknownPluggable } from './pluggable/pluggable-registry';
export { PluggableRegistry } from './pluggable/pluggable-registry';

// Deadlines.
export { deadlineIn, settleWithin, withDeadline } from './deadline/deadline';

// Service names and method patterns ('.' is the wire separator, so never part of a name).
export {
  MAX_SERVICE_NAME_LENGTH,
  SERVICE_METHOD_SEPARATOR,
  SERVICE_NAME_PATTERN,
  methodPattern,
  parseMethodPattern,
  validateServiceName,
} from './naming/service-name';
