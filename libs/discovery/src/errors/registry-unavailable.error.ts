import { messageOf } from '@nestrpc/common';
import { DiscoveryError } from './discovery.error';

/** etcd could not be reached (or did not answer within the deadline). Names the endpoints tried. */
export class RegistryUnavailableError extends DiscoveryError {
  constructor(
    readonly endpoints: readonly string[],
    readonly operation: string,
    cause?: unknown,
  ) {
    const message = messageOf(cause);
    const reason = message === undefined ? '' : `: ${message}`;
    super(`etcd unreachable at ${endpoints.join(', ')} during ${operation}${reason}`, 'REGISTRY_UNAVAILABLE', true, { cause });
  }
}
