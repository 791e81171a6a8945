import { rpcInstrumentation } from '../instrumentation/instrumentation-hub';
import { Logger } from '@nestjs/common';
import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { EventEmitter } from 'events';
import { connect as netConnect, Socket } from 'net';
import { Observable, throwError } from 'rxjs';
import { connect as tlsConnect, TLSSocket } from 'tls';
import { PayloadCodec } from '../codec/payload-codec';
import { ConnectionHandler } from '../connection/connection-handler';
import { FramedConnection } from '../connection/framed-connection';
import { SharedBufferReads } from '../connection/shared-read-buffer';
import { ConnectTimeoutError } from '../errors/connect-timeout.error';
import { AuthenticationError } from '../errors/authentication.error';
import { resolveCredential } from '../auth/client-credentials';
import { ConnectionClosedError } from '../errors/connection-closed.error';
import { ConnectionRefusedError } from '../errors/connection-refused.error';
import { InvalidMessageError } from '../errors/invalid-message.error';
import { NotConnectedError } from '../errors/not-connected.error';
import { ServerDrainingError } from '../errors/server-draining.error';
import { RpcTimeoutError } from '../errors/timeout.error';
import { DEFAULT_PORT } from '../protocol/constants';
import { Serializer } from '../serializers/serializer';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import { Backoff } from '@nestrpc/common';
import { resolveCallOptions, ResolvedCallOptions, unwrapRecord } from './call-options';
import { ClientConnection, ClientConnectionOwner } from './client-connection';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, RECONNECT_BACKOFF } from './constants';
import { RpcClientEvents, RpcClientOptions, RpcClientStatus } from './rpc-client.options';


const NOOP = (): void => undefined;

/**
 * Nest ClientProxy for one nestrpc endpoint: socket lifecycle and reconnect, plus Nest's
 * adapter (send/emit). The calls themselves live in ClientConnection.
 *
 * - A call made while disconnected starts (or joins) a connection attempt at once, bounded by
 *   `connectTimeoutMs` and by the call's deadline; it is not refused because a backoff timer is
 *   pending. Background backoff only reconnects idle clients.
 * - Connected means the peer answered: `connect()` resolves on its first frame (the answer to
 *   a PING sent as soon as the socket is up), so a black hole fails within `connectTimeoutMs`.
 *
 * ```ts
 * ClientsModule.register([{ name: 'MATH', customClass: RpcClient, options: { port: 7100 } }])
 * ```
 */
// Status is typed `string` (values: RpcClientStatus) so the class fits `ClientsModule`'s `customClass: Type<ClientProxy>`.
export class RpcClient extends ClientProxy<RpcClientEvents> {
  readonly address: string;
  private readonly codec: PayloadCodec;
  private readonly logger = new Logger(RpcClient.name);
  private readonly events = new EventEmitter();
  private readonly bodySerializer: Serializer;
  private readonly timeoutMs: number;
  private readonly backoff: Backoff | undefined;
  private current: ClientConnection | undefined;
  private connecting: Promise<FramedConnection> | undefined;
  /** Ends the connection attempt under way (set while one is). */
  private abortAttempt: (() => void) | undefined;
  private closedByUser = false;
  private lastError: Error | undefined;
  private lastStatus: RpcClientStatus | undefined;

  constructor(private readonly options: RpcClientOptions = {}) {
    super();
    this.address = `${options.host ?? '127.0.0.1'}:${options.port ?? DEFAULT_PORT}`;
    const serializers = new SerializerRegistry(DEFAULT_SERIALIZERS);
    this.bodySerializer = serializers.use(options.serializer ?? 'json');
    this.codec = new PayloadCodec(serializers, options.maxFrameBytes);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.backoff = options.reconnect === false ? undefined : new Backoff({ ...RECONNECT_BACKOFF, ...options.reconnect });
    this.events.on('error', NOOP);
  }

  get isConnected(): boolean {
    return this.current?.isUsable === true;
  }

  get pendingCount(): number {
    return this.current?.pendingCount ?? 0;
  }

  /**
   * Opens the connection (or joins the attempt under way) and resolves once the peer has
   * answered. Starts an attempt at once even while a background reconnect is scheduled.
   */
  connect(): Promise<FramedConnection> {
    const current = this.current;
    if (current?.isUsable) return Promise.resolve(current.connection);
    if (current?.isDraining && current.connection.isOpen) return Promise.reject(new ServerDrainingError(this.address));
    if (this.connecting) return this.connecting;
    this.closedByUser = false;
    this.backoff?.cancel();
    const attempt = this.open().finally(() => {
      if (this.connecting === attempt) this.connecting = undefined;
    });
    this.connecting = attempt;
    return attempt;
  }

  /** Fails pending calls with ConnectionClosedError and closes the socket. `connect()` may open it again. */
  async close(): Promise<void> {
    this.closedByUser = true;
    this.backoff?.cancel();
    this.backoff?.reset();
    const current = this.current;
    this.current = undefined;
    current?.failAll(new ConnectionClosedError('client closed', { written: true }));
    this.setStatus('closed');
    // Ends an attempt under way too (its socket is destroyed, its promise rejects).
    this.abortAttempt?.();
    if (current !== undefined) await current.close();
    await this.connecting?.catch(NOOP);
  }

  override send<TResult = unknown, TInput = unknown>(pattern: unknown, data: TInput): Observable<TResult> {
    if (pattern === undefined || pattern === null) return throwError(() => new InvalidMessageError('A call needs a pattern'));
    return new Observable<TResult>((observer) => this.publish({ pattern, data }, this.createObserver(observer)));
  }

  override on<K extends keyof RpcClientEvents = keyof RpcClientEvents, C extends RpcClientEvents[K] = RpcClientEvents[K]>(event: K, callback: C): void {
    this.events.on(event, callback as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    if (this.current === undefined) throw new NotConnectedError(this.address, this.lastError);
    return this.current.connection as T;
  }

  /** The one call path (send() comes here): options resolved once, then the call goes out now or once connected. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = typeof packet.pattern === 'string' ? packet.pattern : this.normalizePattern(packet.pattern);
    const { data, options } = unwrapRecord(packet.data);
    const resolved = resolveCallOptions(options, { timeoutMs: this.timeoutMs, headers: this.options.headers });
    const current = this.current;
    if (current?.isUsable) return current.call(pattern, data, resolved, callback);
    return this.callWhenConnected(pattern, data, resolved, callback);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const current = this.current?.isUsable ? this.current : await this.connect().then(() => this.current);
    if (current === undefined) throw new NotConnectedError(this.address, this.lastError);
    const pattern = typeof packet.pattern === 'string' ? packet.pattern : this.normalizePattern(packet.pattern);
    const { data, options } = unwrapRecord(packet.data);
    current.event(pattern, data, resolveCallOptions(options, { timeoutMs: 0, headers: this.options.headers }));
    return undefined as T;
  }

  private onReady(connection: ClientConnection): void {
    if (connection !== this.current) return;
    this.lastError = undefined;
    this.backoff?.reset();
    this.setStatus('connected');
    this.events.emit('connect', this.address);
  }

  private onGoAway(connection: ClientConnection): void {
    if (connection !== this.current) return;
    this.logger.log(`${this.address} is draining; no new calls go to it`);
    this.events.emit('goaway', this.address);
  }

  private onClosed(connection: ClientConnection, error: Error | undefined): void {
    if (connection !== this.current) return;
    this.current = undefined;
    if (!connection.isReady) return; // the attempt in open() reports it
    this.lastError = error;
    this.setStatus('disconnected');
    this.events.emit('disconnect', this.address, error);
    if (error !== undefined && !connection.isDraining) this.logger.warn(`Lost connection to ${this.address}: ${error.message}`);
    // Closed for idleness on purpose: the next call reconnects; a background reconnect would undo it.
    if (!connection.connection.closedForIdleness) this.scheduleReconnect();
  }

  /** A call made while not connected: start or join an attempt now, bounded by the call's deadline. */
  private callWhenConnected(pattern: string, data: unknown, options: ResolvedCallOptions, callback: (packet: WritePacket) => void): () => void {
    const enteredAt = Date.now();
    let teardown: (() => void) | undefined;
    let done = false;
    const finish = (packet: WritePacket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      callback(packet);
    };
    const timer = options.deadline === undefined ? undefined : setTimeout(() => finish({ err: new RpcTimeoutError(pattern, options.budgetMs), isDisposed: true }), options.deadline - enteredAt);
    timer?.unref();
    const joined = this.connecting !== undefined;
    this.connect()
      // An attempt that began before this call may have been refused just before the server
      // came back: a call that only joined it is owed one attempt of its own (not after a
      // timeout, which would double the wait connectTimeoutMs bounds).
      .catch((err: unknown) => (joined && !this.closedByUser && !(err instanceof ConnectTimeoutError) ? this.connect() : Promise.reject(err)))
      .then(
        () => {
          if (done) return;
          clearTimeout(timer);
          const current = this.current;
          if (current === undefined) return finish({ err: new NotConnectedError(this.address, this.lastError), isDisposed: true });
          teardown = current.call(pattern, data, options, (packet) => {
            if (packet.isDisposed) done = true;
            callback(packet);
          });
        },
        (err: unknown) => finish({ err, isDisposed: true }),
      );
    return () => {
      done = true;
      clearTimeout(timer);
      teardown?.();
    };
  }

  private open(): Promise<FramedConnection> {
    if (this.lastStatus !== 'reconnecting') this.setStatus('connecting');
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    return new Promise<FramedConnection>((resolve, reject) => {
      const { socket, reads } = this.createSocket();
      let stage: 'socket' | 'handshake' = 'socket';
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        this.abortAttempt = undefined;
        clearTimeout(timer);
        socket.destroy();
        if (this.current?.connection.socket === socket) this.current = undefined;
        if (this.closedByUser) return reject(new ConnectionClosedError('client closed while connecting', { written: false }));
        this.lastError = error;
        this.events.emit('error', error);
        // A failed attempt while reconnecting changes nothing: the client is still reconnecting.
        if (this.lastStatus !== 'reconnecting') this.setStatus('disconnected');
        this.scheduleReconnect();
        // A refused credential is final for this attempt and says why; anything else is "could not connect".
        reject(error instanceof ConnectionRefusedError || error instanceof AuthenticationError ? error : new ConnectionRefusedError(this.address, error));
      };
      const timer = setTimeout(() => fail(new ConnectTimeoutError(this.address, connectTimeoutMs, stage)), connectTimeoutMs);
      timer.unref();
      const onError = (err: Error) => fail(err);
      socket.once('error', onError);
      // Until the socket is up; from then on the connection reports its close (with the real reason).
      const onEarlyClose = () => fail(new Error('socket closed while connecting'));
      socket.once('close', onEarlyClose);
      this.abortAttempt = () => fail(new Error('client closed while connecting'));
      const start = (credential: string | undefined) => {
        if (settled) return;
        socket.off('error', onError);
        socket.off('close', onEarlyClose);
        if (this.closedByUser) return fail(new Error('client closed while connecting'));
        stage = 'handshake';
        const handshake: ClientConnectionOwner = {
          address: this.address,
          codec: this.codec,
          logger: this.logger,
          onReady: (connection) => {
            if (settled) return;
            settled = true;
            this.abortAttempt = undefined;
            clearTimeout(timer);
            this.current = connection;
            this.onReady(connection);
            resolve(connection.connection);
          },
          onGoAway: (connection) => this.onGoAway(connection),
          onClosed: (connection, error) => {
            if (!connection.isReady) fail(error ?? new Error(`${this.address} closed the connection before answering`));
            else this.onClosed(connection, error);
          },
        };
        try {
          this.current = new ClientConnection(handshake, this.bodySerializer, (handler) => this.frame(socket, handler, reads), credential);
        } catch (err) {
          fail(err as Error); // e.g. a credential too large for its metadata entry: fail now, not at the connect timeout
        }
      };
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
        stage = 'handshake';
        // Asked per connection (inside connectTimeoutMs), so a provider can hand out a fresh token each time.
        if (this.options.credentials === undefined) start(undefined);
        else resolveCredential(this.options.credentials).then(start, fail);
      });
    });
  }

  private frame(socket: Socket, handler: ConnectionHandler, reads: SharedBufferReads | undefined): FramedConnection {
    const { maxFrameBytes, heartbeatIntervalMs, missedHeartbeats, idleTimeoutMs, maxWriteBufferBytes } = this.options;
    return new FramedConnection(socket, handler, {
      maxFrameBytes,
      heartbeatIntervalMs,
      missedHeartbeats,
      idleTimeoutMs,
      maxWriteBufferBytes,
      knownSerializerIds: this.codec.serializers.ids(),
      label: this.address,
      reads,
    });
  }

  /**
   * A plain TCP socket reads into the process-wide shared buffer when every serializer this
   * client knows keeps no view of a body (the built-in ones, as configured by default): no
   * fresh 64 KiB buffer per read. TLS and `socketFactory` sockets read as Node does by default.
   */
  private createSocket(): { socket: Socket; reads?: SharedBufferReads } {
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? DEFAULT_PORT;
    if (this.options.socketFactory) return { socket: this.options.socketFactory({ host, port }) };
    if (this.options.tls) return { socket: tlsConnect({ servername: host, ...this.options.tls, host, port }) };
    const serializers = this.codec.serializers;
    if (!serializers.ids().every((id) => serializers.get(id).keepsNoBodyView === true)) return { socket: netConnect({ host, port }) };
    const reads = new SharedBufferReads();
    return { socket: netConnect({ host, port, onread: reads.onread }), reads };
  }

  /** Emits a status only when it changes: one `disconnected` per lost connection, however many attempts follow. */
  private setStatus(status: RpcClientStatus): void {
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this._status$.next(status);
  }

  private scheduleReconnect(): void {
    if (this.closedByUser || this.backoff === undefined) return;
    this.setStatus('reconnecting');
    rpcInstrumentation()?.clientReconnect?.(this.address);
    this.backoff.schedule(() => {
      if (this.closedByUser || this.current?.isUsable || this.connecting) return;
      this.connect().catch(NOOP);
    });
  }
}
