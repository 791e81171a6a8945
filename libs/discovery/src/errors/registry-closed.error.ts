import { DiscoveryError } from './discovery.error';

export class RegistryClosedError extends DiscoveryError {
  constructor(operation: string) {
    super(`Registry is closed (${operation})`, 'REGISTRY_CLOSED', false);
  }
}
