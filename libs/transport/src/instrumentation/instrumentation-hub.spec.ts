import { CallProbe, RpcCallInfo, RpcInstrumentation } from './rpc-instrumentation';
import { endProbeWith, installRpcInstrumentation, rpcInstrumentation } from './instrumentation-hub';

const info: RpcCallInfo = { pattern: 'S.m', meta: {}, peer: '127.0.0.1:1', kind: 'call' };

describe('instrumentation hub', () => {
  const uninstalls: Array<() => void> = [];
  afterEach(() => uninstalls.splice(0).forEach((uninstall) => uninstall()));
  const install = (instrumentation: RpcInstrumentation) => uninstalls.push(installRpcInstrumentation(instrumentation));

  it('has nothing installed by default, and exposes a single instrumentation as it is', () => {
    expect(rpcInstrumentation()).toBeUndefined();
    const only: RpcInstrumentation = { serverFrameIn: () => undefined };
    install(only);
    expect(rpcInstrumentation()).toBe(only);
  });

  it('combines several: only the hooks someone has, so unused hooks cost no call and no argument', () => {
    const frames: string[] = [];
    install({ serverFrameIn: () => frames.push('a'), serverCall: () => undefined });
    install({ serverFrameIn: () => frames.push('b') });
    const combined = rpcInstrumentation()!;
    expect(combined.clientCall).toBeUndefined();
    expect(combined.serverFrameOut).toBeUndefined();
    combined.serverFrameIn!();
    expect(frames).toEqual(['a', 'b']);
  });

  it('drops start hooks that follow nothing and returns the one probe that remains as it is', () => {
    const probe: CallProbe = { end: () => undefined };
    install({ serverCall: () => undefined });
    install({ serverCall: () => probe });
    expect(rpcInstrumentation()!.serverCall!(info)).toBe(probe);
  });

  it('runs work inside every probe that sets a context (first installed outermost) and ends them all', () => {
    const log: string[] = [];
    const withContext = (name: string): CallProbe => ({ run: (fn) => (log.push(`enter ${name}`), fn()), end: (error) => log.push(`end ${name} ${String(error)}`) });
    install({ clientCall: () => withContext('a') });
    install({ clientCall: () => ({ end: () => log.push('end metrics') }) });
    install({ clientCall: () => withContext('b') });
    const probe = rpcInstrumentation()!.clientCall!(info)!;
    expect(probe.run!(() => (log.push('work'), 42))).toBe(42);
    probe.end('boom');
    expect(log).toEqual(['enter a', 'enter b', 'work', 'end a boom', 'end metrics', 'end b boom']);
  });

  it('gives a combination of context-free probes no run, so the caller needs no closure', () => {
    install({ serverCall: () => ({ end: () => undefined }) });
    install({ serverCall: () => ({ end: () => undefined }) });
    expect(rpcInstrumentation()!.serverCall!(info)!.run).toBeUndefined();
  });

  it('uninstalls back to nothing', () => {
    install({ serverFrameIn: () => undefined });
    install({ serverFrameOut: () => undefined });
    uninstalls.splice(0).forEach((uninstall) => uninstall());
    expect(rpcInstrumentation()).toBeUndefined();
  });

  it('ends a wrapped callback probe once: on the final packet or on cancel', () => {
    const ended: unknown[] = [];
    const packets: unknown[] = [];
    const probed = endProbeWith({ end: (error) => ended.push(error) }, (packet: { response?: number; err?: unknown; isDisposed?: boolean }) => packets.push(packet));
    probed.callback({ response: 1 });
    expect(ended).toEqual([]);
    probed.callback({ err: 'bad', isDisposed: true });
    probed.cancel();
    expect(ended).toEqual(['bad']);
    expect(packets).toHaveLength(2);
  });
});
