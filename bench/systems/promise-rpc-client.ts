import { RpcClient } from '@nestrpc/transport';

/** An RpcClient whose unary calls skip the Observable ClientProxy.send() returns: a Promise around `publish()`'s callback (bench only). */
export class PromiseRpcClient extends RpcClient {
  request(pattern: string, data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.publish({ pattern, data }, ({ err, response }) => (err ? reject(err) : resolve(response)));
    });
  }
}
