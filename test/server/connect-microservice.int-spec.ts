import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcServerConflictError, RpcServerModule, RpcService } from '@nestrpc/server';
import { RpcClient, RpcServer, ServerAlreadyStartedError } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';

abstract class EchoService {
  abstract say(text: string): Promise<string>;
}

@RpcService(EchoService)
class EchoImpl implements EchoService {
  async say(text: string): Promise<string> {
    return `echo ${text}`;
  }
}

@Module({ imports: [RpcServerModule.forRoot({ listen: { host: '127.0.0.1', port: 0 }, deregisterGraceMs: 0 })], providers: [EchoImpl] })
class EchoModule {}

/**
 * RpcServerModule starts its own server. An app that also hands an RpcServer to
 * `connectMicroservice()` must not end up with two servers: it fails fast with a typed error that
 * says what to remove, or (connected after start) the second start of the same server is refused.
 */
describe('RpcServerModule and app.connectMicroservice()', () => {
  const create = () => NestFactory.create(EchoModule, { logger: false });

  it("refuses the module's own server passed to connectMicroservice, at init, before anything listens", async () => {
    const app = await create();
    const server = app.get(RpcServer);
    app.connectMicroservice({ strategy: server });
    try {
      const error = await app.init().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcServerConflictError);
      expect((error as RpcServerConflictError).code).toBe('RPC_SERVER_CONFLICT');
      expect((error as Error).message).toMatch(/remove the connectMicroservice\(\) call/);
      expect(() => server.address()).toThrow(/not listening/);
    } finally {
      await app.close();
    }
  });

  it('refuses another RpcServer connected next to the module, even when the microservices start first', async () => {
    const app = await create();
    const other = new RpcServer({ host: '127.0.0.1', port: 0 });
    app.connectMicroservice({ strategy: other });
    try {
      await app.startAllMicroservices();
      await expect(app.init()).rejects.toBeInstanceOf(RpcServerConflictError);
      // The module's own server never started: no second server.
      expect(() => app.get(RpcServer).address()).toThrow(/not listening/);
    } finally {
      await app.close();
    }
  });

  it('connected after the app started: the second start of the same server fails, the one server keeps serving', async () => {
    const app = await create();
    await app.init();
    const server = app.get(RpcServer);
    const port = server.address().port;
    app.connectMicroservice({ strategy: server });
    const client = new RpcClient({ port, reconnect: false });
    try {
      await expect(app.startAllMicroservices()).rejects.toBeInstanceOf(ServerAlreadyStartedError);
      expect(server.address().port).toBe(port);
      await expect(firstValueFrom(client.send('EchoService.say', ['once']))).resolves.toBe('echo once');
    } finally {
      await client.close();
      await app.close();
    }
  });
});
