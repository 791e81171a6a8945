import { DiscoveryError } from './discovery.error';

/** No instance of `service` in `range` can take the call right now. Retryable: one may register. */
export class NoProvidersError extends DiscoveryError {
  constructor(
    readonly service: string,
    readonly range: string,
    readonly detail?: string,
  ) {
    super(`No providers for ${service}@${range}${detail === undefined ? '' : ` (${detail})`}`, 'NO_PROVIDERS', true);
  }
}
