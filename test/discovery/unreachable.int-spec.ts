import { createServer, Server, Socket } from 'net';
import { EtcdRegistry, RegistryUnavailableError } from '@nestrpc/discovery';
import { freePort } from '../support/free-port';
import { instanceInit } from '../support/instances';
import { MemoryLogger } from './helpers';

/** No etcd, or an etcd that never answers: clear errors within the call timeout, never a hang. */
describe('EtcdRegistry without a reachable etcd', () => {
  const CALL_TIMEOUT_MS = 1_000;

  it('fails fast, naming the endpoints, when nothing listens', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const registry = new EtcdRegistry({ hosts: [endpoint], callTimeoutMs: CALL_TIMEOUT_MS, logger: new MemoryLogger() });
    try {
      const started = Date.now();
      const error = await registry.connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryUnavailableError);
      expect((error as RegistryUnavailableError).message).toContain(endpoint);
      expect((error as RegistryUnavailableError).retryable).toBe(true);
      await expect(registry.register(instanceInit('x'))).rejects.toThrow(RegistryUnavailableError);
      await expect(registry.instances('Hello')).rejects.toThrow(`etcd unreachable at ${endpoint}`);
      expect(Date.now() - started).toBeLessThan(3 * (CALL_TIMEOUT_MS + 500));
    } finally {
      await registry.close();
    }
  });

  describe('when the port accepts connections but never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let endpoint: string;

    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('rejects within the deadline instead of hanging', async () => {
      const registry = new EtcdRegistry({ hosts: endpoint, callTimeoutMs: CALL_TIMEOUT_MS, logger: new MemoryLogger() });
      try {
        let started = Date.now();
        await expect(registry.connect()).rejects.toThrow(RegistryUnavailableError);
        expect(Date.now() - started).toBeLessThan(CALL_TIMEOUT_MS + 1_000);
        started = Date.now();
        await expect(registry.register(instanceInit('x'))).rejects.toThrow(new RegExp(`etcd unreachable at ${endpoint} during lease grant`));
        expect(Date.now() - started).toBeLessThan(CALL_TIMEOUT_MS + 1_000);
      } finally {
        const closing = Date.now();
        await registry.close();
        expect(Date.now() - closing).toBeLessThan(3_000);
      }
    });
  });
});
