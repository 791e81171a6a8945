import { messageOf } from '@nestrpc/common';
import { DiscoveryError } from './discovery.error';

/** etcd answered but refused the request (authentication, permissions, invalid request). Not retryable as is. */
export class RegistryRequestError extends DiscoveryError {
  constructor(
    readonly endpoints: readonly string[],
    readonly operation: string,
    cause: unknown,
  ) {
    super(`etcd at ${endpoints.join(', ')} refused ${operation}: ${messageOf(cause) ?? String(cause)}`, 'REGISTRY_REQUEST_FAILED', false, { cause });
  }
}
