import { RpcError } from '@nestrpc/transport';

/**
 * The app imports RpcServerModule and also connects an RpcServer as a Nest microservice
 * (`app.connectMicroservice({ strategy: ... })`): that would be two servers, one of them never
 * registered for discovery nor drained on shutdown. Raised by `app.init()` / `app.listen()`.
 */
export class RpcServerConflictError extends RpcError {
  override readonly code = 'RPC_SERVER_CONFLICT';

  constructor(sameInstance: boolean) {
    super(
      (sameInstance
        ? 'The RpcServer of RpcServerModule was also passed to app.connectMicroservice(). '
        : 'This app imports RpcServerModule and also connects another RpcServer with app.connectMicroservice(). ') +
        'RpcServerModule starts, registers and drains its server itself: remove the connectMicroservice() call ' +
        '(its @MessagePattern handlers are served by RpcServerModule already), or drop RpcServerModule and use RpcServer as a plain Nest microservice.',
    );
  }
}
