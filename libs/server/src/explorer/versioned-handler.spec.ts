import { RpcException } from '@nestjs/microservices';
import { RpcContext } from '@nestrpc/transport';
import { VersionedHandler } from './versioned-handler';

const context = (version?: string) =>
  new RpcContext({ pattern: 'HelloService.sayHello', version }, { seq: 1, peer: 'test', receivedAt: 0, idempotent: false, controller: undefined, cancelled: false });

/** A handler that answers which version served the call and with what arguments. */
const servedBy = (version: string) => jest.fn(async (args: unknown, _context: RpcContext) => ({ version, args }));

describe('VersionedHandler', () => {
  it('routes by the version the caller addressed, and to the newest without one', async () => {
    const handler = new VersionedHandler('HelloService.sayHello');
    handler.add('1.2.0', servedBy('1.2.0'));
    handler.add('2.0.0', servedBy('2.0.0'));
    handler.add('1.10.0', servedBy('1.10.0'));
    expect(handler.versions).toEqual(['2.0.0', '1.10.0', '1.2.0']);
    await expect(handler.handle(['x'], context('1.10.0'))).resolves.toEqual({ version: '1.10.0', args: ['x'] });
    await expect(handler.handle(['x'], context())).resolves.toEqual({ version: '2.0.0', args: ['x'] });
  });

  it('prefers a release over its prerelease as the newest', async () => {
    const handler = new VersionedHandler('P.m');
    handler.add('2.0.0', servedBy('2.0.0'));
    handler.add('2.0.0-rc.1', servedBy('2.0.0-rc.1'));
    await expect(handler.handle([], context())).resolves.toEqual({ version: '2.0.0', args: [] });
  });

  it('answers VERSION_NOT_FOUND, naming what it serves, for a version it does not have (the handler never runs)', async () => {
    const only = servedBy('1.0.0');
    const handler = new VersionedHandler('HelloService.sayHello');
    handler.add('1.0.0', only);
    const error = await handler.handle(['x'], context('3.0.0')).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RpcException);
    expect((error as RpcException).getError()).toEqual({
      status: 'error',
      code: 'VERSION_NOT_FOUND',
      message: 'HelloService.sayHello has no version 3.0.0 here (serving 1.0.0)',
    });
    expect(only).not.toHaveBeenCalled();
  });

  it('refuses two providers of the same version of a pattern', () => {
    const handler = new VersionedHandler('P.m');
    handler.add('1.0.0', servedBy('a'));
    expect(() => handler.add('1.0.0', servedBy('b'))).toThrow('Two @RpcService providers serve P.m version 1.0.0');
  });

  it('always hands the method an argument list', async () => {
    const handler = new VersionedHandler('P.m');
    const inner = servedBy('1.0.0');
    handler.add('1.0.0', inner);
    const ctx = context();
    await handler.handle([1, 2], ctx);
    await handler.handle(undefined, ctx);
    await handler.handle('solo', ctx);
    await handler.handle(null, ctx);
    expect(inner.mock.calls.map(([args]) => args)).toEqual([[1, 2], [], ['solo'], [null]]);
    expect(inner.mock.calls[0][1]).toBe(ctx);
  });
});
