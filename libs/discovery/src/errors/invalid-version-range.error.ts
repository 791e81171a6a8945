import { DiscoveryError } from './discovery.error';

export class InvalidVersionRangeError extends DiscoveryError {
  constructor(readonly range: unknown) {
    super(`Invalid semver range ${JSON.stringify(range)} (examples: "^1", "1.2.x", "2.0.0", "*")`, 'INVALID_VERSION_RANGE', false);
  }
}
