import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StaticRegistry } from '@nestrpc/discovery';
import { RpcServer } from '@nestrpc/transport';
import { RpcServerModule, RpcService } from '@nestrpc/server';

abstract class EchoService {
  abstract echo(value?: string): Promise<string>;
}

@RpcService(EchoService)
class Echo implements EchoService {
  async echo(value?: string): Promise<string> {
    return String(value);
  }
}

/** The README's `listen: { port: 0 }`: what is bound, what is registered, and what the log says. */
describe('RpcServerModule with the README options (listen: { port: 0 })', () => {
  it('listens on loopback, registers that address and logs what it advertises', async () => {
    const registry = new StaticRegistry();
    const logged: string[] = [];
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(function (this: Logger, message: unknown) {
      logged.push(String(message));
    });
    @Module({ imports: [RpcServerModule.forRoot({ listen: { port: 0 }, registry: { use: registry }, deregisterGraceMs: 0 })], providers: [Echo] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: ['log'] });
    try {
      const bound = app.get(RpcServer).address();
      expect(bound.host).toBe('127.0.0.1');
      const [instance] = await registry.instances('EchoService');
      expect(instance).toMatchObject({ host: '127.0.0.1', port: bound.port });
      expect(logged).toContainEqual(expect.stringMatching(new RegExp(`advertised to consumers as 127\\.0\\.0\\.1:${bound.port} \\(the bound host`)));
    } finally {
      log.mockRestore();
      await app.close();
      await registry.close();
    }
  });

  it('warns when it has to guess an address because it listens on all interfaces', async () => {
    const registry = new StaticRegistry();
    const warned: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown) {
      warned.push(String(message));
    });
    @Module({ imports: [RpcServerModule.forRoot({ listen: { host: '0.0.0.0', port: 0 }, registry: { use: registry }, deregisterGraceMs: 0 })], providers: [Echo] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: ['warn'] });
    try {
      const [instance] = await registry.instances('EchoService');
      expect(warned).toContainEqual(expect.stringContaining(`advertised to consumers as ${instance.host}:`));
      expect(warned).toContainEqual(expect.stringContaining('set advertise.host'));
    } finally {
      warn.mockRestore();
      await app.close();
      await registry.close();
    }
  });
});
