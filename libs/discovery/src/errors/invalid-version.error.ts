import { DiscoveryError } from './discovery.error';

export class InvalidVersionError extends DiscoveryError {
  constructor(readonly version: unknown) {
    super(`Invalid semver version ${JSON.stringify(version)} (expected MAJOR.MINOR.PATCH, e.g. "1.4.0")`, 'INVALID_VERSION', false);
  }
}
