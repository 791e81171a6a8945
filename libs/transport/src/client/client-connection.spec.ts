import { Logger } from '@nestjs/common';
import { WritePacket } from '@nestjs/microservices';
import { PayloadCodec } from '../codec/payload-codec';
import { FakeFramedConnection } from '../connection/framed-connection.fake';
import { ConnectionClosedError } from '../errors/connection-closed.error';
import { ServerClosedError } from '../errors/server-closed.error';
import { ServerDrainingError } from '../errors/server-draining.error';
import { RpcTimeoutError } from '../errors/timeout.error';
import { toTransportErrorPayload } from '../errors/transport-errors';
import { FrameFlags } from '../protocol/frame-flags';
import { MessageType } from '../protocol/message-type';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import { resolveCallOptions } from './call-options';
import { ClientConnection, ClientConnectionOwner } from './client-connection';
import { HANDSHAKE_PING_SEQ } from './constants';
import { AuthenticationError } from '../errors/authentication.error';
import { isCollected } from '../../../../test/support/heap';
import { PendingCall } from './pending-calls';

function setup() {
  const registry = new SerializerRegistry(DEFAULT_SERIALIZERS);
  const events: string[] = [];
  const host: ClientConnectionOwner = {
    address: 'peer:1',
    codec: new PayloadCodec(registry),
    logger: new Logger('test'),
    onReady: () => events.push('ready'),
    onGoAway: () => events.push('goaway'),
    onClosed: () => events.push('closed'),
  };
  const holder: { fake?: FakeFramedConnection } = {};
  const connection = new ClientConnection(host, registry.use('json'), FakeFramedConnection.factory(holder));
  const fake = holder.fake!;
  fake.receive({ type: MessageType.Pong }); // the peer answers the opening PING
  fake.frames.splice(0); // forget the PING
  const packets: WritePacket[][] = [];
  const call = (pattern: string, data: unknown, options = {}, defaults = { timeoutMs: 0 }) => {
    const sink: WritePacket[] = [];
    packets.push(sink);
    const teardown = connection.call(pattern, data, resolveCallOptions(options, defaults), (packet) => sink.push(packet));
    return { sink, teardown };
  };
  return { connection, fake, events, call };
}

describe('ClientConnection', () => {
  afterEach(() => jest.useRealTimers());

  it('PINGs as soon as it exists and is ready only once the peer has answered', () => {
    const registry = new SerializerRegistry(DEFAULT_SERIALIZERS);
    const ready: string[] = [];
    const holder: { fake?: FakeFramedConnection } = {};
    const host = { address: 'a', codec: new PayloadCodec(registry), logger: new Logger('t'), onReady: () => ready.push('ready'), onGoAway: () => undefined, onClosed: () => undefined };
    const connection = new ClientConnection(host, registry.use('json'), FakeFramedConnection.factory(holder));
    expect(holder.fake!.frames.map((f) => f.type)).toEqual([MessageType.Ping]);
    expect(connection.isReady).toBe(false);
    expect(connection.isUsable).toBe(false);
    holder.fake!.receive({ type: MessageType.Pong });
    expect(connection.isReady).toBe(true);
    expect(ready).toEqual(['ready']);
  });

  describe('with a credential', () => {
    function authenticating() {
      const registry = new SerializerRegistry(DEFAULT_SERIALIZERS);
      const events: string[] = [];
      const closedWith: (Error | undefined)[] = [];
      const holder: { fake?: FakeFramedConnection } = {};
      const host: ClientConnectionOwner = {
        address: 'a',
        codec: new PayloadCodec(registry),
        logger: new Logger('t'),
        onReady: () => events.push('ready'),
        onGoAway: () => undefined,
        onClosed: (_, error) => closedWith.push(error),
      };
      const connection = new ClientConnection(host, registry.use('json'), FakeFramedConnection.factory(holder), 'tok');
      return { connection, fake: holder.fake!, events, closedWith, registry };
    }

    it('sends it on the handshake PING (id 1) and is ready only on the PONG to that PING', () => {
      const { connection, fake, events } = authenticating();
      expect(fake.frames).toMatchObject([{ type: MessageType.Ping, seq: HANDSHAKE_PING_SEQ, meta: { credential: 'tok' } }]);
      // A server heartbeat PING, or a heartbeat PONG, is no acceptance.
      fake.receive({ type: MessageType.Ping, seq: 0 });
      fake.receive({ type: MessageType.Pong, seq: 0 });
      expect(connection.isReady).toBe(false);
      fake.receive({ type: MessageType.Pong, seq: HANDSHAKE_PING_SEQ });
      expect(connection.isReady).toBe(true);
      expect(events).toEqual(['ready']);
    });

    it("surfaces the server's refusal (ERROR for id 0) as the close reason, typed, and is never ready", () => {
      const { connection, fake, events, closedWith, registry } = authenticating();
      const body = registry.get(1).serialize(toTransportErrorPayload(new AuthenticationError('Credential refused')), { pattern: '', kind: 'transport-error' });
      fake.receive({ type: MessageType.Error, seq: 0, serializerId: 1, flags: FrameFlags.TransportError, body: Buffer.from(body) });
      expect(connection.isReady).toBe(false);
      expect(events).toEqual([]);
      expect(closedWith[0]).toBeInstanceOf(AuthenticationError);
      expect(closedWith[0]).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Credential refused', retryable: false });
    });
  });

  it('writes the resolved options to the wire: time left, idempotent flag, merged headers, trace context', () => {
    const { fake, call } = setup();
    call('sum', [1], { timeoutMs: 500, idempotent: true, headers: { b: '2' }, traceparent: 'tp', version: '1.2.0' }, { timeoutMs: 30_000, headers: { a: '1' } } as never);
    const [frame] = fake.frames;
    expect(frame.type).toBe(MessageType.Request);
    expect(frame.flags & FrameFlags.Idempotent).toBeTruthy();
    expect(frame.meta).toMatchObject({ pattern: 'sum', traceparent: 'tp', version: '1.2.0' });
    expect(frame.meta.timeoutMs).toBeGreaterThan(490);
    expect(frame.meta.timeoutMs).toBeLessThanOrEqual(500);
    expect(fake.body(frame)).toEqual([1]);
  });

  it('takes the earlier of timeoutMs and an absolute deadline', () => {
    const { fake, call } = setup();
    call('sum', [1], { timeoutMs: 10_000, deadline: Date.now() + 100 });
    expect(fake.frames[0].meta.timeoutMs).toBeLessThanOrEqual(100);
  });

  it('delivers an answer and is busy only while calls are pending', () => {
    const { connection, fake, call } = setup();
    const { sink } = call('sum', [1]);
    expect(connection.isBusy()).toBe(true);
    fake.receive({ type: MessageType.Response, seq: fake.frames[0].seq, serializerId: 1, body: '3' });
    expect(sink).toEqual([{ response: 3, isDisposed: true }]);
    expect(connection.isBusy()).toBe(false);
  });

  describe('once a call settles, its record holds nothing of the caller', () => {
    // A settled record stays reachable from the old generation until the next full collection
    // (the calls Map's earlier backing tables still point at it), and such references are roots
    // for young-generation collections. Still holding the caller's callback, it kept the
    // caller's promise or subscriber, and the answer in it, alive through them
    // (bench/tools/settled-call-cost.ts). Here the test keeps the record.
    const settleBy: Record<string, (fake: FakeFramedConnection, connection: ClientConnection, seq: number) => void | Promise<void>> = {
      'an answer': (fake, _, seq) => fake.receive({ type: MessageType.Response, seq, serializerId: 1, body: '3' }),
      'an error': (fake, _, seq) => fake.receive({ type: MessageType.Error, seq, serializerId: 1, body: '"no"' }),
      'the end of a stream': (fake, _, seq) => {
        fake.receive({ type: MessageType.StreamNext, seq, serializerId: 1, body: '1' });
        fake.receive({ type: MessageType.StreamComplete, seq });
      },
      'its deadline': () => new Promise((resolve) => setTimeout(resolve, 30)),
      'the connection closing': (_, connection) => connection.onClose(undefined),
    };

    /** Makes a call whose caller (what its callback holds, as a promise holds its answer) only the callback references. */
    function callFrom(connection: ClientConnection, timeoutMs: number, disposed: boolean[]): WeakRef<object> {
      const caller = { last: undefined as WritePacket | undefined };
      connection.call('sum', [1], resolveCallOptions({ timeoutMs }, { timeoutMs: 0 }), (packet) => {
        caller.last = packet;
        disposed.push(packet.isDisposed === true);
      });
      return new WeakRef(caller);
    }

    it.each(Object.keys(settleBy))('settled by %s', async (way) => {
      const { connection, fake } = setup();
      const disposed: boolean[] = [];
      const caller = callFrom(connection, way === 'its deadline' ? 10 : 0, disposed);
      const seq = fake.frames[0].seq;
      const record = (connection as unknown as { pending: { get(seq: number): PendingCall | undefined } }).pending.get(seq)!;
      await settleBy[way](fake, connection, seq);
      expect(disposed[disposed.length - 1]).toBe(true);
      expect(connection.pendingCount).toBe(0);
      // The record is still referenced here, as from old space: it must not keep the caller.
      expect(await isCollected(caller)).toBe(true);
      expect(record.seq).toBe(seq);
      const settledWith = disposed.length;
      record.callback({ response: 'late' }); // a late packet reaches nobody
      expect(disposed).toHaveLength(settledWith);
    });
  });

  it('times out a call once: RpcTimeoutError and a CANCEL; stream frames do not extend the deadline', () => {
    jest.useFakeTimers();
    const { fake, call } = setup();
    const { sink } = call('ticks', 10, { timeoutMs: 100 });
    const seq = fake.frames[0].seq;
    jest.advanceTimersByTime(60);
    fake.receive({ type: MessageType.StreamNext, seq, serializerId: 1, body: '1' });
    jest.advanceTimersByTime(40);
    expect(sink[0]).toEqual({ response: 1 });
    expect(sink[1].err).toBeInstanceOf(RpcTimeoutError);
    expect(fake.frames.map((f) => f.type)).toEqual([MessageType.Request, MessageType.Cancel]);
  });

  it('times out every pending call at its own deadline from one timer, cleared when the connection closes', () => {
    jest.useFakeTimers();
    const { connection, call } = setup();
    const first = call('a', 1, { timeoutMs: 100 });
    jest.advanceTimersByTime(10);
    const second = call('a', 2, { timeoutMs: 100 });
    jest.advanceTimersByTime(10);
    const shorter = call('a', 3, { timeoutMs: 50 }); // due at 70, before the armed timer
    const unbounded = call('a', 4, { timeoutMs: 0 });
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(49); // t = 69
    expect(shorter.sink).toEqual([]);
    jest.advanceTimersByTime(1); // t = 70
    expect(shorter.sink[0].err).toBeInstanceOf(RpcTimeoutError);
    jest.advanceTimersByTime(29); // t = 99
    expect(first.sink).toEqual([]);
    jest.advanceTimersByTime(1); // t = 100
    expect(first.sink[0].err).toBeInstanceOf(RpcTimeoutError);
    expect(second.sink).toEqual([]);
    const late = call('a', 5, { timeoutMs: 1_000 });
    connection.onClose(undefined);
    expect(second.sink[0].err).toBeInstanceOf(ConnectionClosedError);
    expect(late.sink[0].err).toBeInstanceOf(ConnectionClosedError);
    expect(unbounded.sink[0].err).toBeInstanceOf(ConnectionClosedError);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("maps the server's TIMEOUT and SERVER_CLOSED transport errors to typed errors", () => {
    const { fake, call } = setup();
    const a = call('x', 1, { timeoutMs: 100 });
    const b = call('y', 1);
    const [first, second] = fake.frames;
    fake.receive({ type: MessageType.Error, seq: first.seq, serializerId: 1, flags: FrameFlags.TransportError, body: JSON.stringify({ code: 'TIMEOUT', message: 'late', timeoutMs: 99 }) });
    fake.receive({ type: MessageType.Error, seq: second.seq, serializerId: 1, flags: FrameFlags.TransportError, body: JSON.stringify(toTransportErrorPayload(new ServerClosedError('s'))) });
    expect(a.sink[0].err).toBeInstanceOf(RpcTimeoutError);
    expect(b.sink[0].err).toBeInstanceOf(ServerClosedError);
    expect((b.sink[0].err as ServerClosedError).ran).toBe(true);
  });

  it('after GOAWAY refuses new calls and, on close, tells calls the server never saw apart from those it ran', () => {
    const { connection, fake, events, call } = setup();
    const ran = call('a', 1);
    const notSeen = call('b', 1);
    fake.receive({ type: MessageType.GoAway, seq: fake.frames[0].seq });
    expect(events).toContain('goaway');
    expect(connection.isUsable).toBe(false);
    const refused = call('c', 1);
    expect(refused.sink[0].err).toBeInstanceOf(ServerDrainingError);
    fake.peerClosed(new ConnectionClosedError('peer:1 closed the connection'));
    expect(ran.sink[0].err).toBeInstanceOf(ConnectionClosedError);
    // The reason is not wrapped twice.
    expect((ran.sink[0].err as Error).message).toBe('Connection closed: peer:1 closed the connection');
    expect(notSeen.sink[0].err).toBeInstanceOf(ServerDrainingError);
    expect(events[events.length - 1]).toBe('closed');
  });

  it('cancels on teardown and ignores a late answer', () => {
    const { fake, call } = setup();
    const { sink, teardown } = call('slow', 1);
    const seq = fake.frames[0].seq;
    teardown();
    expect(fake.frames[1]).toMatchObject({ type: MessageType.Cancel, seq });
    fake.receive({ type: MessageType.Response, seq, serializerId: 1, body: '1' });
    expect(sink).toEqual([]);
  });

  it('fails a call whose payload cannot be serialized without sending anything', () => {
    const { fake, call } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { sink } = call('echo', cyclic);
    expect((sink[0].err as { code?: string }).code).toBe('SERIALIZATION_ERROR');
    expect(fake.frames).toEqual([]);
  });
});
