import { DiscoveryError } from './discovery.error';

export class InvalidServiceNameError extends DiscoveryError {
  constructor(readonly serviceName: unknown, reason: string) {
    super(`Invalid service name ${JSON.stringify(serviceName)}: ${reason}`, 'INVALID_SERVICE_NAME', false);
  }
}
