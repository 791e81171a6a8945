import { AddressInfo, createServer } from 'net';

/**
 * A port that was free a moment ago on `host` (for servers that cannot report the port they
 * bound to 0, or must restart on the same port). With `preferred`, that port if it is free;
 * rejects (EADDRINUSE) if it is not.
 */
export function freePort(host = '127.0.0.1', preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(preferred, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
