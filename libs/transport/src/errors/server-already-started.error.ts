import { RpcError } from './rpc.error';

/**
 * `listen()` was called on an RpcServer that is already started. One RpcServer serves one
 * socket: a second listen() would open a second one and orphan the first. Typically the same
 * instance was started twice, e.g. by RpcServerModule and by `app.connectMicroservice()`.
 */
export class ServerAlreadyStartedError extends RpcError {
  override readonly code = 'SERVER_ALREADY_STARTED';

  constructor() {
    super(
      'This RpcServer is already started: listen() was called twice. If RpcServerModule serves it, ' +
        'do not also pass it to app.connectMicroservice() (the module starts, registers and drains it itself).',
    );
  }
}
