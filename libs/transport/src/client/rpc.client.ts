import { Logger } from '@nestjs/common';
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { EventEmitter } from 'events';
import { connect as netConnect, Socket } from 'net';
import { Observable, throwError } from 'rxjs';
import { connect as tlsConnect, TLSSocket } from 'tls';
import { FramedConnection } from '../connection/framed-connection';
import { ConnectionHandler } from '../connection/framed-connection.options';
import { ConnectionClosedError } from '../errors/connection-closed.error';
import { ConnectionRefusedError } from '../errors/connection-refused.error';
import { InvalidMessageError } from '../errors/invalid-message.error';
import { NotConnectedError } from '../errors/not-connected.error';
import { RpcError } from '../errors/rpc.error';
import { SerializationError } from '../errors/serialization.error';
import { ServerDrainingError } from '../errors/server-draining.error';
import { RpcTimeoutError } from '../errors/timeout.error';
import { fromTransportErrorPayload } from '../errors/transport-errors';
import { WriteBufferFullError } from '../errors/write-buffer-full.error';
import { Frame, FrameMetadata } from '../protocol/frame';
import { encodeFrame } from '../protocol/frame-encoder';
import { FrameFlags } from '../protocol/frame-flags';
import { MessageType } from '../protocol/message-type';
import { PayloadKind, Serializer } from '../serializers/serializer';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import { DEFAULT_SERVER_PORT } from '../server/constants';
import { Backoff } from './backoff';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './constants';
import { PendingCall, PendingCalls } from './pending-calls';
import { RpcClientEvents, RpcClientOptions } from './rpc-client.options';
import { RpcCallOptions, RpcRecord } from './rpc-record';

const NOOP = (): void => undefined;

/**
 * Nest ClientProxy for one nestrpc endpoint: one long-lived multiplexed connection, calls
 * matched by sequence id, per-call timeouts, streaming answers, cancel on unsubscribe, and
 * reconnect with jittered exponential backoff.
 *
 * ```ts
 * ClientsModule.register([{ name: 'MATH', customClass: RpcClient, options: { port: 7100 } }])
 * ```
 */
// Status is typed `string` (values: RpcClientStatus) so the class fits `ClientsModule`'s `customClass: Type<ClientProxy>`.
export class RpcClient extends ClientProxy<RpcClientEvents> implements ConnectionHandler {
  readonly address: string;
  private readonly logger = new Logger(RpcClient.name);
  private readonly events = new EventEmitter();
  private readonly registry: SerializerRegistry;
  private readonly bodySerializer: Serializer;
  private readonly timeoutMs: number;
  private readonly pending = new PendingCalls();
  private readonly backoff: Backoff | undefined;
  private connection: FramedConnection | undefined;
  private connecting: Promise<FramedConnection> | undefined;
  private goAwayReceived = false;
  /** From GOAWAY: the server ran no request with a higher sequence id. */
  private goAwayLastSeq = 0;
  private closedByUser = false;
  private lastError: Error | undefined;

  constructor(private readonly options: RpcClientOptions = {}) {
    super();
    this.address = `${options.host ?? '127.0.0.1'}:${options.port ?? DEFAULT_SERVER_PORT}`;
    this.registry = new SerializerRegistry(DEFAULT_SERIALIZERS);
    this.bodySerializer = this.registry.use(options.serializer ?? 'json');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.backoff = options.reconnect === false ? undefined : new Backoff(options.reconnect);
    this.events.on('error', NOOP);
  }

  get isConnected(): boolean {
    return this.connection?.isOpen === true && !this.goAwayReceived;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Opens the connection (or joins the attempt under way). Rejects fast while backing off after a failure. */
  connect(): Promise<FramedConnection> {
    const connection = this.connection;
    if (connection?.isOpen) {
      return this.goAwayReceived ? Promise.reject(new ServerDrainingError(this.address)) : Promise.resolve(connection);
    }
    if (this.connecting) return this.connecting;
    if (this.backoff?.pending) return Promise.reject(new NotConnectedError(this.address, this.lastError));
    this.closedByUser = false;
    const attempt = this.open().finally(() => {
      if (this.connecting === attempt) this.connecting = undefined;
    });
    this.connecting = attempt;
    return attempt;
  }

  /** Fails pending calls with ConnectionClosedError and closes the socket. `connect()` may open it again. */
  async close(): Promise<void> {
    this.closedByUser = true;
    this.backoff?.reset();
    const connection = this.connection;
    this.connection = undefined;
    const closed = new ConnectionClosedError('client closed', { written: true });
    this.pending.failAll(() => closed);
    this._status$.next('closed');
    await this.connecting?.catch(NOOP);
    if (connection !== undefined) await closeAndWait(connection);
  }

  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    if (pattern === undefined || pattern === null) return throwError(() => new InvalidMessageError('A call needs a pattern'));
    return new Observable<TResult>((observer) => {
      const callback = this.createObserver(observer);
      if (this.connection?.isOpen) return this.publish({ pattern, data }, callback);
      let teardown: (() => void) | undefined;
      let unsubscribed = false;
      this.connect().then(
        () => {
          if (!unsubscribed) teardown = this.publish({ pattern, data }, callback);
        },
        (err: unknown) => observer.error(err),
      );
      return () => {
        unsubscribed = true;
        teardown?.();
      };
    });
  }

  override on<K extends keyof RpcClientEvents = keyof RpcClientEvents, C extends RpcClientEvents[K] = RpcClientEvents[K]>(event: K, callback: C): void {
    this.events.on(event, callback as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    if (this.connection === undefined) throw new NotConnectedError(this.address, this.lastError);
    return this.connection as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const connection = this.connection;
    const refusal = this.checkWritable(connection);
    if (refusal !== undefined || connection === undefined) {
      callback({ err: refusal, isDisposed: true });
      return NOOP;
    }
    const pattern = typeof packet.pattern === 'string' ? packet.pattern : this.normalizePattern(packet.pattern);
    const { data, options } = unwrapRecord(packet.data);
    const timeoutMs = effectiveTimeoutMs(options, this.timeoutMs);
    const seq = this.pending.nextSeq();
    let frame: Buffer;
    try {
      frame = this.encode(MessageType.Request, seq, pattern, data, timeoutMs, options);
    } catch (err) {
      callback({ err, isDisposed: true });
      return NOOP;
    }
    const call: PendingCall = { seq, pattern, callback, timeoutMs, timer: undefined };
    if (timeoutMs > 0) {
      call.timer = setTimeout(() => this.onTimeout(connection, call), timeoutMs);
      call.timer.unref();
    }
    this.pending.add(call);
    connection.write(frame);
    return () => {
      if (this.pending.take(seq) !== undefined) connection.send({ type: MessageType.Cancel, seq });
    };
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const connection = this.connection;
    const refusal = this.checkWritable(connection);
    if (refusal !== undefined || connection === undefined) throw refusal;
    const pattern = typeof packet.pattern === 'string' ? packet.pattern : this.normalizePattern(packet.pattern);
    const { data, options } = unwrapRecord(packet.data);
    connection.write(this.encode(MessageType.Event, 0, pattern, data, 0, options));
    return undefined as T;
  }

  onFrame(frame: Frame): void {
    switch (frame.type) {
      case MessageType.Response: {
        const call = this.pending.take(frame.seq);
        if (call !== undefined) this.deliver(call, frame, true);
        return;
      }
      case MessageType.StreamNext: {
        const call = this.pending.get(frame.seq);
        if (call === undefined) return;
        call.timer?.refresh();
        this.deliver(call, frame, false);
        return;
      }
      case MessageType.StreamComplete:
        this.pending.take(frame.seq)?.callback({ isDisposed: true });
        return;
      case MessageType.Error:
      case MessageType.StreamError: {
        const call = this.pending.take(frame.seq);
        if (call !== undefined) call.callback({ err: this.decodeError(call, frame), isDisposed: true });
        return;
      }
      case MessageType.GoAway:
        return this.onGoAway(frame.seq);
      default:
        this.logger.warn(`Ignoring unexpected ${MessageType[frame.type]} frame from ${this.address}`);
    }
  }

  onClose(error: Error | undefined, connection: FramedConnection): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.lastError = error;
    const reason = error?.message ?? `${this.address} closed the connection`;
    const closed = new ConnectionClosedError(reason, { cause: error, written: true });
    // Calls sent after the last one the server saw (per its GOAWAY) never ran: safe to send elsewhere.
    const notRun = new ServerDrainingError(this.address);
    const ran = (seq: number) => !this.goAwayReceived || !isSequenceAfter(seq, this.goAwayLastSeq);
    this.pending.failAll((call) => (ran(call.seq) ? closed : notRun));
    this._status$.next('disconnected');
    this.events.emit('disconnect', this.address, error);
    if (error !== undefined && !this.goAwayReceived) this.logger.warn(`Lost connection to ${this.address}: ${error.message}`);
    this.scheduleReconnect();
  }

  private checkWritable(connection: FramedConnection | undefined): RpcError | undefined {
    if (connection === undefined || !connection.isOpen) return new NotConnectedError(this.address, this.lastError);
    if (this.goAwayReceived) return new ServerDrainingError(this.address);
    if (!connection.canWrite) return new WriteBufferFullError(connection.writableBytes, connection.maxWriteBytes);
    return undefined;
  }

  private encode(type: MessageType, seq: number, pattern: string, data: unknown, timeoutMs: number, options: RpcCallOptions | undefined): Buffer {
    const serializer = this.bodySerializer;
    let body: Uint8Array | string | undefined;
    try {
      body = data === undefined ? undefined : serializer.serialize(data, { pattern, kind: type === MessageType.Event ? 'event' : 'request' });
    } catch (err) {
      throw err instanceof RpcError ? err : new SerializationError(serializer.name, 'serialize', err);
    }
    const meta: FrameMetadata = { pattern };
    if (timeoutMs > 0) meta.timeoutMs = timeoutMs;
    const headers = this.options.headers === undefined ? options?.headers : { ...this.options.headers, ...options?.headers };
    if (headers !== undefined) meta.headers = headers;
    if (options !== undefined) {
      if (options.version !== undefined) meta.version = options.version;
      if (options.traceparent !== undefined) meta.traceparent = options.traceparent;
      if (options.tracestate !== undefined) meta.tracestate = options.tracestate;
    }
    const flags = options?.idempotent ? FrameFlags.Idempotent : FrameFlags.None;
    return encodeFrame({ type, seq, serializerId: serializer.id, flags, meta, body }, this.connection?.maxFrameBytes);
  }

  private deliver(call: PendingCall, frame: Frame, last: boolean): void {
    let value: unknown;
    try {
      value = this.decodeBody(frame, call.pattern, 'response');
    } catch (err) {
      if (!last && this.pending.take(call.seq) !== undefined) this.connection?.send({ type: MessageType.Cancel, seq: call.seq });
      call.callback({ err, isDisposed: true });
      return;
    }
    if (!last) return call.callback({ response: value });
    // A single answer always yields exactly one value, `undefined` included.
    if (value === undefined) call.callback({ response: undefined });
    call.callback({ response: value, isDisposed: true });
  }

  private decodeError(call: PendingCall, frame: Frame): unknown {
    const fromTransport = (frame.flags & FrameFlags.TransportError) !== 0;
    let payload: unknown;
    try {
      payload = this.decodeBody(frame, call.pattern, fromTransport ? 'transport-error' : 'error');
    } catch (err) {
      return err;
    }
    return fromTransport ? fromTransportErrorPayload(payload, this.address) : payload;
  }

  private decodeBody(frame: Frame, pattern: string, kind: PayloadKind): unknown {
    if (frame.body === undefined) return undefined;
    const serializer = this.registry.get(frame.serializerId);
    try {
      return serializer.deserialize(frame.body, { pattern, kind });
    } catch (err) {
      throw err instanceof RpcError ? err : new SerializationError(serializer.name, 'deserialize', err);
    }
  }

  private onTimeout(connection: FramedConnection, call: PendingCall): void {
    if (this.pending.take(call.seq) === undefined) return;
    connection.send({ type: MessageType.Cancel, seq: call.seq });
    call.callback({ err: new RpcTimeoutError(call.pattern, call.timeoutMs), isDisposed: true });
  }

  private onGoAway(lastSeq: number): void {
    this.goAwayReceived = true;
    this.goAwayLastSeq = lastSeq;
    this.logger.log(`${this.address} is draining; no new calls go to it`);
    this.events.emit('goaway', this.address);
  }

  private open(): Promise<FramedConnection> {
    this._status$.next('connecting');
    return new Promise<FramedConnection>((resolve, reject) => {
      const socket = this.createSocket();
      const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const timer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${connectTimeoutMs} ms`)), connectTimeoutMs);
      timer.unref();
      const onError = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        this.lastError = err;
        this._status$.next('disconnected');
        this.events.emit('error', err);
        this.scheduleReconnect();
        reject(new ConnectionRefusedError(this.address, err));
      };
      socket.once('error', onError);
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        if (this.closedByUser) {
          socket.destroy();
          reject(new ConnectionClosedError('client closed while connecting', { written: false }));
          return;
        }
        resolve(this.adopt(socket));
      });
    });
  }

  private adopt(socket: Socket): FramedConnection {
    const { maxFrameBytes, heartbeatIntervalMs, missedHeartbeats, idleTimeoutMs, maxWriteBufferBytes } = this.options;
    const connection = new FramedConnection(socket, this, {
      maxFrameBytes,
      heartbeatIntervalMs,
      missedHeartbeats,
      idleTimeoutMs,
      maxWriteBufferBytes,
      knownSerializerIds: this.registry.ids(),
      label: this.address,
    });
    this.connection = connection;
    this.goAwayReceived = false;
    this.lastError = undefined;
    this.backoff?.reset();
    this._status$.next('connected');
    this.events.emit('connect', this.address);
    return connection;
  }

  private createSocket(): Socket {
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? DEFAULT_SERVER_PORT;
    if (this.options.socketFactory) return this.options.socketFactory({ host, port });
    if (this.options.tls) return tlsConnect({ servername: host, ...this.options.tls, host, port });
    return netConnect({ host, port });
  }

  private scheduleReconnect(): void {
    if (this.closedByUser || this.backoff === undefined) return;
    this._status$.next('reconnecting');
    this.backoff.schedule(() => {
      if (this.closedByUser || this.connection?.isOpen || this.connecting) return;
      this.connect().catch(NOOP);
    });
  }
}

/**
 * Serial-number order on u32 sequence ids (RFC 1982): correct across wrap-around as long as
 * fewer than 2^31 calls are in flight, which the in-flight limits guarantee.
 */
export function isSequenceAfter(seq: number, reference: number): boolean {
  const distance = (seq - reference) >>> 0;
  return distance !== 0 && distance < 0x80000000;
}

/** The time a call may take: the earlier of its timeout and its absolute deadline (at least 1 ms). */
export function effectiveTimeoutMs(options: RpcCallOptions | undefined, defaultTimeoutMs: number): number {
  const timeoutMs = options?.timeoutMs ?? defaultTimeoutMs;
  if (options?.deadline === undefined) return timeoutMs;
  const left = Math.max(1, Math.ceil(options.deadline - Date.now()));
  return timeoutMs > 0 ? Math.min(timeoutMs, left) : left;
}

function unwrapRecord(payload: unknown): { data: unknown; options: RpcCallOptions | undefined } {
  return payload instanceof RpcRecord ? { data: payload.data, options: payload.options } : { data: payload, options: undefined };
}

function closeAndWait(connection: FramedConnection): Promise<void> {
  if (connection.socket.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    connection.socket.once('close', () => resolve());
    connection.close();
  });
}
