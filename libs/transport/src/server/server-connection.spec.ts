import { Logger } from '@nestjs/common';
import { LogLimiter } from '../logging/log-limiter';
import { MessageHandler } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { PayloadCodec } from '../codec/payload-codec';
import { FakeFramedConnection } from '../connection/framed-connection.fake';
import { FrameFlags } from '../protocol/frame-flags';
import { MessageType } from '../protocol/message-type';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import { CallLimiter } from './limits/call-limiter';
import { RpcContext } from './rpc.context';
import { ServerConnection, ServerConnectionOwner } from './server-connection';

const JSON_ID = 1;

function setup(handlers: Record<string, MessageHandler>, options: { draining?: boolean; maxInFlight?: number; limiter?: CallLimiter } = {}) {
  const settled: number[] = [];
  const host: ServerConnectionOwner = {
    codec: new PayloadCodec(new SerializerRegistry(DEFAULT_SERIALIZERS)),
    maxInFlightPerConnection: options.maxInFlight ?? 10,
    limiter: options.limiter,
    logger: new Logger('test', { timestamp: false }),
    limitedLog: new LogLimiter(new Logger('test', { timestamp: false })),
    isDraining: () => options.draining === true,
    findRequestHandler: (pattern) => handlers[pattern],
    dispatchEvent: () => undefined,
    onCallsSettled: () => settled.push(Date.now()),
    onConnectionClosed: () => undefined,
  };
  jest.spyOn(host.logger, 'error').mockImplementation(() => undefined);
  const holder: { fake?: FakeFramedConnection } = {};
  const connection = new ServerConnection(host, FakeFramedConnection.factory(holder));
  const fake = holder.fake!;
  const request = (seq: number, pattern: string, value: unknown, timeoutMs?: number) =>
    fake.receive({ type: MessageType.Request, seq, serializerId: JSON_ID, meta: { pattern, timeoutMs }, body: JSON.stringify(value) });
  return { connection, fake, request, settled };
}

/** A handler that never answers and records its abort signal. */
function hanging(signals: AbortSignal[]): MessageHandler {
  return ((_data: unknown, ctx: RpcContext) => {
    signals.push(ctx.getSignal());
    return new Promise(() => undefined);
  }) as unknown as MessageHandler;
}

describe('ServerConnection', () => {
  afterEach(() => jest.useRealTimers());

  it('runs the handler and answers in the caller serializer', async () => {
    const { fake, request } = setup({ sum: (async (n: number[]) => n[0] + n[1]) as unknown as MessageHandler });
    request(1, 'sum', [2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.frames).toHaveLength(1);
    expect(fake.frames[0]).toMatchObject({ type: MessageType.Response, seq: 1, serializerId: JSON_ID });
    expect(fake.body(fake.frames[0])).toBe(5);
  });

  it("refuses an unknown pattern with Nest's message and the pattern apart", () => {
    const { fake, request } = setup({});
    request(1, 'nope', 1);
    expect(fake.frames[0].flags & FrameFlags.TransportError).toBeTruthy();
    expect(fake.body(fake.frames[0])).toMatchObject({
      code: 'UNKNOWN_PATTERN',
      message: 'There is no matching message handler defined in the remote service.',
      pattern: 'nope',
    });
  });

  it("enforces the frame's deadline itself: aborts the handler and answers TIMEOUT with no CANCEL from the caller", () => {
    jest.useFakeTimers();
    const signals: AbortSignal[] = [];
    const { connection, fake, request } = setup({ hang: hanging(signals) });
    request(7, 'hang', null, 50);
    expect(connection.inFlightCount).toBe(1);
    jest.advanceTimersByTime(49);
    expect(signals[0].aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(signals[0].aborted).toBe(true);
    expect(connection.inFlightCount).toBe(0);
    expect(fake.frames).toHaveLength(1);
    expect(fake.frames[0]).toMatchObject({ type: MessageType.Error, seq: 7 });
    expect(fake.body(fake.frames[0])).toMatchObject({ code: 'TIMEOUT', timeoutMs: 50, pattern: 'hang' });
  });

  it('bounds a whole stream by the deadline and unsubscribes from it', () => {
    jest.useFakeTimers();
    let unsubscribed = false;
    const source = new Observable<number>((observer) => {
      observer.next(1);
      return () => (unsubscribed = true);
    });
    const { fake, request } = setup({ stream: (() => source) as unknown as MessageHandler });
    request(3, 'stream', null, 100);
    jest.advanceTimersByTime(100);
    expect(unsubscribed).toBe(true);
    expect(fake.frames.map((f) => f.type)).toEqual([MessageType.StreamNext, MessageType.StreamError]);
    expect(fake.body(fake.frames[1])).toMatchObject({ code: 'TIMEOUT' });
  });

  it('arms one deadline timer for calls made one at a time, not one per call; it goes on close', () => {
    jest.useFakeTimers();
    const armed = jest.spyOn(global, 'setTimeout');
    const { connection, fake, request } = setup({ sum: ((n: number[]) => n[0]) as unknown as MessageHandler });
    for (let seq = 1; seq <= 50; seq++) request(seq, 'sum', [seq], 50);
    expect(fake.frames.map((f) => f.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Each call settled before the next came: the timer armed for the first stays for the rest.
    expect(armed.mock.calls.filter(([, ms]) => ms === 50)).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(1);
    connection.onClose(undefined);
    expect(jest.getTimerCount()).toBe(0);
    armed.mockRestore();
  });

  it('lets the kept deadline timer fire once for nothing, then arms none until the next call', () => {
    jest.useFakeTimers();
    const { fake, request } = setup({ sum: ((n: number[]) => n[0]) as unknown as MessageHandler });
    request(1, 'sum', [4], 50);
    expect(fake.frames.map((f) => f.type)).toEqual([MessageType.Response]);
    jest.advanceTimersByTime(50);
    expect(jest.getTimerCount()).toBe(0);
    expect(fake.frames).toHaveLength(1); // no TIMEOUT for a call that was answered
  });

  it('guards every call in flight with one timer, each expiring at its own deadline, cleared on close', () => {
    jest.useFakeTimers();
    const signals: AbortSignal[] = [];
    const { connection, fake, request } = setup({ hang: hanging(signals) });
    request(1, 'hang', null, 100);
    jest.advanceTimersByTime(10);
    request(2, 'hang', null, 100);
    request(3, 'hang', null, 0); // no deadline
    request(4, 'hang', null, 1_000);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(89); // t = 99
    expect(signals.map((s) => s.aborted)).toEqual([false, false, false, false]);
    jest.advanceTimersByTime(1); // t = 100
    expect(signals.map((s) => s.aborted)).toEqual([true, false, false, false]);
    jest.advanceTimersByTime(10); // t = 110
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false, false]);
    expect(fake.frames.map((f) => [f.seq, (fake.body(f) as { code: string }).code])).toEqual([[1, 'TIMEOUT'], [2, 'TIMEOUT']]);
    connection.onClose(undefined);
    expect(signals.map((s) => s.aborted)).toEqual([true, true, true, true]);
    expect(connection.inFlightCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('aborts the signal on CANCEL and sends nothing more', () => {
    const signals: AbortSignal[] = [];
    const { connection, fake, request } = setup({ hang: hanging(signals) });
    request(2, 'hang', null);
    fake.receive({ type: MessageType.Cancel, seq: 2 });
    expect(signals[0].aborted).toBe(true);
    expect(connection.inFlightCount).toBe(0);
    expect(fake.frames).toEqual([]);
  });

  it('abortAll() aborts every running handler and tells each caller SERVER_CLOSED', () => {
    const signals: AbortSignal[] = [];
    const { connection, fake, request, settled } = setup({ hang: hanging(signals) });
    request(1, 'hang', null);
    request(2, 'hang', null);
    connection.abortAll();
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(connection.inFlightCount).toBe(0);
    expect(settled).toHaveLength(1);
    expect(fake.frames.map((f) => [f.seq, (fake.body(f) as { code: string }).code])).toEqual([
      [1, 'SERVER_CLOSED'],
      [2, 'SERVER_CLOSED'],
    ]);
  });

  it('refuses calls while draining and over the in-flight limit, without running them', () => {
    const draining = setup({ sum: (() => 1) as unknown as MessageHandler }, { draining: true });
    draining.request(1, 'sum', []);
    expect(draining.fake.body(draining.fake.frames[0])).toMatchObject({ code: 'DRAINING', retryable: true });

    const signals: AbortSignal[] = [];
    const full = setup({ hang: hanging(signals) }, { maxInFlight: 1 });
    full.request(1, 'hang', null);
    full.request(2, 'hang', null);
    expect(signals).toHaveLength(1);
    expect(full.fake.body(full.fake.frames[0])).toMatchObject({ code: 'OVERLOADED', retryable: true });
  });

  it('cancels every call when the socket goes', () => {
    const signals: AbortSignal[] = [];
    const { connection, fake, request } = setup({ hang: hanging(signals) });
    request(1, 'hang', null);
    fake.peerClosed(new Error('reset'));
    expect(signals[0].aborted).toBe(true);
    expect(connection.inFlightCount).toBe(0);
  });

  it('refuses over a limit before decoding or running the handler, and frees the slot when the call settles', async () => {
    let runs = 0;
    let finish: () => void = () => undefined;
    const handler = (() => {
      runs++;
      return new Promise<number>((resolve) => (finish = () => resolve(1)));
    }) as unknown as MessageHandler;
    const limiter = new CallLimiter({ methods: { slow: { maxConcurrent: 1 } } });
    const { fake, request } = setup({ slow: handler }, { limiter });
    request(1, 'slow', 1);
    // A body that does not decode: refused for the limit first, so it is never even parsed.
    fake.receive({ type: MessageType.Request, seq: 2, serializerId: JSON_ID, meta: { pattern: 'slow' }, body: '{not json' });
    expect(runs).toBe(1);
    expect(fake.frames).toHaveLength(1);
    expect(fake.body(fake.frames[0])).toMatchObject({ code: 'OVERLOADED', reason: 'concurrency', retryable: true });
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(limiter.activeCalls).toBe(0);
    request(3, 'slow', 1);
    expect(runs).toBe(2);
  });

  it('releases the permit of a call whose body does not decode', () => {
    const limiter = new CallLimiter({ maxConcurrentCalls: 1 });
    const { fake } = setup({ sum: (() => 1) as unknown as MessageHandler }, { limiter });
    fake.receive({ type: MessageType.Request, seq: 1, serializerId: JSON_ID, meta: { pattern: 'sum' }, body: '{not json' });
    expect(fake.frames).toHaveLength(1);
    expect(limiter.activeCalls).toBe(0);
  });
});
