import { Injectable } from '@nestjs/common';
import { RpcServer } from '@nestrpc/transport';

/** Host and port of a socket address. */
export interface RpcSocketAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Where this app's RPC server listens, injectable, so an app reads its address (the real port
 * when listening on port 0) without importing the transport. Ready once the app has started
 * (the server listens during bootstrap).
 */
@Injectable()
export class RpcServerAddress {
  constructor(private readonly server: RpcServer) {}

  /** The bound address. Throws before the server listens (i.e. before `app.init()`/`listen()`). */
  bound(): RpcSocketAddress {
    return this.server.address();
  }
}
