import { DiscoveryError } from './discovery.error';

/** A ServiceInstance field is missing or malformed, or the instance is unknown to this registry. */
export class InvalidInstanceError extends DiscoveryError {
  constructor(readonly instanceId: string | undefined, reason: string) {
    super(`Invalid service instance${instanceId === undefined ? '' : ` ${JSON.stringify(instanceId)}`}: ${reason}`, 'INVALID_INSTANCE', false);
  }
}
