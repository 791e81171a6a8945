import { RpcError } from './rpc.error';

/** A service name breaks the rule of `validateServiceName` (wrong type, characters or length). */
export class InvalidServiceNameError extends RpcError {
  readonly code = 'INVALID_SERVICE_NAME';

  constructor(
    readonly serviceName: unknown,
    reason: string,
  ) {
    super(`Invalid service name ${JSON.stringify(serviceName)}: ${reason}`);
  }
}
