import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { EventEmitter } from 'events';
import { AddressInfo, createServer, Server as NetServer, Socket } from 'net';
import { createServer as createTlsServer, TLSSocket } from 'tls';
import { PayloadCodec } from '../codec/payload-codec';
import { ConnectionHandler } from '../connection/connection-handler';
import { ByteBudget } from '../connection/byte-budget';
import { FramedConnection } from '../connection/framed-connection';
import { ConnectionClosedError } from '../errors/connection-closed.error';
import { RpcError } from '../errors/rpc.error';
import { ServerAlreadyStartedError } from '../errors/server-already-started.error';
import { LogLimiter } from '../logging/log-limiter';
import { NO_MESSAGE_HANDLER_MESSAGE } from '../errors/unknown-pattern.error';
import { DEFAULT_SERIALIZERS, SerializerRegistry } from '../serializers/serializer-registry';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_SERVER_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION,
  DEFAULT_MAX_PENDING_FRAME_BYTES,
  DEFAULT_MAX_SERVER_WRITE_BUFFER_BYTES,
  DEFAULT_WRITE_STALL_TIMEOUT_MS,
  DEFAULT_SERVER_HOST,
  DEFAULT_SERVER_PORT,
  SERVER_CLOSE_GRACE_MS,
} from './constants';
import { RpcContext } from './rpc.context';
import { CallLimiter } from './limits/call-limiter';
import { MethodLimits } from './limits/call-limits.options';
import { ConnectionStats, RpcServerEvents, RpcServerOptions, RpcServerStatus } from './rpc-server.options';
import { ServerConnection, ServerConnectionOwner } from './server-connection';

/**
 * Nest custom transport strategy serving `@MessagePattern`/`@EventPattern` handlers over the
 * nestrpc framed protocol.
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(AppModule, { strategy: new RpcServer({ port: 7100 }) });
 * await app.listen();
 * ```
 */
export class RpcServer extends Server<RpcServerEvents, RpcServerStatus> implements CustomTransportStrategy {
  protected override readonly logger = new Logger(RpcServer.name);
  /** For lines a peer can trigger at will: one per reason per window, with a count. */
  private readonly limitedLog = new LogLimiter(this.logger);
  /** The serializers this server answers in (their names are what discovery advertises). */
  readonly serializers: SerializerRegistry;
  /**
   * What each connection may see of its server. A separate object, not `this`, so the server's
   * public surface stays Nest's Server plus the methods below: the connection callbacks, codec and
   * logger are not API.
   */
  private readonly owner: ServerConnectionOwner & { limiter: CallLimiter | undefined };
  private readonly events = new EventEmitter();
  private readonly connections = new Set<ServerConnection>();
  private readonly pendingFrames: ByteBudget;
  private readonly perAddress = new Map<string, number>();
  private readonly writeBudget: ByteBudget;
  private netServer: NetServer | undefined;
  private draining = false;
  private drainWaiters: (() => void)[] = [];
  /** Set while a drain waits: close() calls it to stop waiting and cut at once. */
  private cutNow: (() => void) | undefined;
  private goneWaiters: (() => void)[] = [];
  private closePromise: Promise<void> | undefined;

  constructor(private readonly options: RpcServerOptions = {}) {
    super();
    this.serializers = new SerializerRegistry(options.serializers ?? DEFAULT_SERIALIZERS);
    this.owner = {
      codec: new PayloadCodec(this.serializers, options.maxFrameBytes),
      maxInFlightPerConnection: options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION,
      // Overload gate (`limits`): undefined, and off the call path, while no limit is configured;
      // setMethodLimits may create it later, and connections read it from here on every call.
      limiter: CallLimiter.create(options.limits),
      auth: options.auth,
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      logger: this.logger,
      limitedLog: this.limitedLog,
      isDraining: () => this.draining,
      findRequestHandler: (pattern) => this.findRequestHandler(pattern),
      dispatchEvent: (pattern, data, context) => this.dispatchEvent(pattern, data, context),
      onCallsSettled: () => this.onCallsSettled(),
      onConnectionClosed: (connection, error) => this.onConnectionClosed(connection, error),
    };
    this.pendingFrames = new ByteBudget(options.maxPendingFrameBytes ?? DEFAULT_MAX_PENDING_FRAME_BYTES);
    this.writeBudget = new ByteBudget(options.maxServerWriteBufferBytes ?? DEFAULT_MAX_SERVER_WRITE_BUFFER_BYTES);
    this.events.on('error', () => undefined); // errors are logged; listeners are optional
  }

  listen(callback: (error?: unknown, ...info: unknown[]) => void): void {
    if (this.netServer !== undefined) {
      callback(new ServerAlreadyStartedError());
      return;
    }
    const server = this.createNetServer();
    this.netServer = server;
    server.maxConnections = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    // Counted on the raw socket, before TLS or anything else is spent on it.
    server.prependListener('connection', (socket: Socket) => this.admit(socket));
    let started = false;
    server.on('error', (err) => {
      this.logger.error(`RPC server error: ${err.message}`);
      this._status$.next('error');
      this.events.emit('error', err);
      if (started) return;
      // Never listened (port taken...): a later listen() may try again.
      if (this.netServer === server) this.netServer = undefined;
      callback(err);
    });
    server.listen(this.options.port ?? DEFAULT_SERVER_PORT, this.options.host ?? DEFAULT_SERVER_HOST, () => {
      started = true;
      const address = this.address();
      this.logger.log(`Listening on ${address.host}:${address.port}`);
      this._status$.next('listening');
      this.events.emit('listening', address);
      callback();
    });
  }

  /** Bound address (the real port when listening on port 0). */
  address(): { host: string; port: number } {
    const info = this.netServer?.address() as AddressInfo | null | undefined;
    if (info == null) throw new Error('RpcServer is not listening');
    return { host: info.address, port: info.port };
  }

  /**
   * Prompt stop (what `app.close()` calls), as Nest's own transports do: GOAWAY, abort every
   * running handler's signal, fail its caller with ServerClosedError (the request ran), close
   * every connection. Resolves within ~SERVER_CLOSE_GRACE_MS even if a peer never finishes the
   * TCP close. During a drain(), close() cuts the drain short.
   */
  close(): Promise<void> {
    this.closePromise ??= this.shutdown(0);
    this.cutNow?.();
    return this.closePromise;
  }

  /**
   * Graceful stop: stops taking new connections and calls (GOAWAY to every client: they send
   * new calls elsewhere), lets in-flight calls finish for up to `timeoutMs` (default
   * `drainTimeoutMs`), then ends the rest as close() does.
   */
  drain(timeoutMs = this.options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS): Promise<void> {
    this.closePromise ??= this.shutdown(timeoutMs);
    return this.closePromise;
  }

  isDraining(): boolean {
    return this.draining;
  }

  /** The overload gate, when limits are configured: its counts (`activeCalls`, `callers.size`) for tests and metrics. */
  get limiter(): CallLimiter | undefined {
    return this.owner.limiter;
  }

  get handshakeTimeoutMs(): number {
    return this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Memory held in unfinished frames over all connections (bounded by `maxPendingFrameBytes`). */
  get pendingFrameBytes(): number {
    return this.pendingFrames.used;
  }

  /** Unread answers held over all connections (bounded by `maxServerWriteBufferBytes`, approximate between writes). */
  get writeBufferBytes(): number {
    return this.writeBudget.used;
  }

  /** What each connection holds now (bytes of a partial frame received, bytes waiting to be written): tests and metrics. */
  connectionStats(): ConnectionStats[] {
    return [...this.connections].map(({ peer, connection }) => ({
      peer,
      pendingFrameBytes: connection.pendingFrameBytes,
      pendingFrameHeldBytes: connection.pendingFrameHeldBytes,
      writableBytes: connection.writableBytes,
    }));
  }

  /**
   * Limits of one pattern from code (the server starter passes `@RpcService({ limits })` here).
   * `limits.methods` given in the options win: configuration overrides code, as for weights.
   */
  setMethodLimits(pattern: string, limits: MethodLimits): void {
    if (this.options.limits?.methods?.[pattern] !== undefined) return;
    this.owner.limiter ??= new CallLimiter(this.options.limits ?? {});
    this.owner.limiter.setMethodLimits(pattern, limits);
  }

  /** Calls running now, over all connections. */
  get inFlightCount(): number {
    let count = 0;
    for (const connection of this.connections) count += connection.inFlightCount;
    return count;
  }

  on<K extends keyof RpcServerEvents = keyof RpcServerEvents, C extends RpcServerEvents[K] = RpcServerEvents[K]>(event: K, callback: C): this {
    this.events.on(event, callback as (...args: unknown[]) => void);
    return this;
  }

  unwrap<T>(): T {
    if (this.netServer === undefined) throw new Error('RpcServer is not listening; call listen() first');
    return this.netServer as T;
  }

  private findRequestHandler(pattern: string): MessageHandler | undefined {
    // Clients send normalized patterns, so the direct lookup hits; Nest's lookup (JSON re-parse) is the fallback.
    const handler = this.messageHandlers.get(pattern) ?? this.getHandlerByPattern(pattern) ?? undefined;
    return handler === undefined || handler.isEventHandler ? undefined : handler;
  }

  private dispatchEvent(pattern: string, data: unknown, context: RpcContext): void {
    const handler = this.messageHandlers.get(pattern) ?? this.getHandlerByPattern(pattern);
    if (handler == null || !handler.isEventHandler) {
      this.limitedLog.error('event-unknown-pattern', `${NO_MESSAGE_HANDLER_MESSAGE} Event pattern: ${pattern}`);
      return;
    }
    this.handleEvent(pattern, { pattern, data }, context).catch((err: Error) =>
      this.logger.error(`Event handler for "${pattern}" failed: ${err?.message ?? String(err)}`),
    );
  }

  private onCallsSettled(): void {
    if (this.draining) this.checkDrained();
  }

  private onConnectionClosed(connection: ServerConnection, error: Error | undefined): void {
    this.connections.delete(connection);
    // A client closing its side is routine; anything else (reset, protocol error, dead peer) is worth a warning.
    if (error !== undefined && !this.draining && !(error instanceof ConnectionClosedError)) {
      this.limitedLog.warn(`closed-${error instanceof RpcError ? error.code : ((error as NodeJS.ErrnoException).code ?? error.name)}`, `Connection ${connection.peer} closed: ${error.message}`);
    }
    this.events.emit('disconnect', connection.peer, error);
    if (this.draining) this.checkDrained();
    if (this.connections.size === 0) this.goneWaiters.splice(0).forEach((resolve) => resolve());
  }

  private createNetServer(): NetServer {
    const onConnection = (socket: Socket) => this.accept(socket);
    if (this.options.serverFactory) return this.options.serverFactory(onConnection);
    if (this.options.tls) {
      // A TLS handshake that never completes must not hold a socket (and a maxConnections slot)
      // forever: bound it, and close on any handshake failure, which Node itself does not do
      // for ERR_TLS_HANDSHAKE_TIMEOUT.
      const handshakeTimeout = this.handshakeTimeoutMs > 0 ? this.handshakeTimeoutMs : undefined;
      const server = createTlsServer({ handshakeTimeout, ...this.options.tls }, onConnection);
      server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
        this.limitedLog.warn(`tls-${err.code ?? 'error'}`, `TLS handshake from ${socket.remoteAddress ?? '?'} failed: ${err.message}`);
        socket.destroy();
      });
      return server;
    }
    return createServer(onConnection);
  }

  /** Enforces `maxConnectionsPerAddress`: one host must not take every slot of `maxConnections`. */
  private admit(socket: Socket): void {
    const limit = this.options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    const address = socket.remoteAddress ?? '?';
    if (limit <= 0) return;
    const count = (this.perAddress.get(address) ?? 0) + 1;
    if (count > limit) {
      this.limitedLog.warn('per-address-limit', `Refusing a connection from ${address}: it already has ${limit} (maxConnectionsPerAddress)`);
      socket.destroy();
      return;
    }
    this.perAddress.set(address, count);
    socket.once('close', () => {
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
  }

  private accept(socket: Socket): void {
    if (socket.destroyed) return;
    if (this.draining) {
      socket.destroy();
      return;
    }
    const { maxFrameBytes, heartbeatIntervalMs, missedHeartbeats, maxWriteBufferBytes, frameTimeoutMs } = this.options;
    const connection = new ServerConnection(this.owner, (handler: ConnectionHandler) =>
      new FramedConnection(socket, handler, {
        maxFrameBytes,
        heartbeatIntervalMs,
        missedHeartbeats,
        idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULT_SERVER_IDLE_TIMEOUT_MS,
        handshakeTimeoutMs: this.handshakeTimeoutMs,
        frameTimeoutMs,
        pendingFrameBudget: this.pendingFrames,
        writeBudget: this.writeBudget,
        writeStallTimeoutMs: this.options.writeStallTimeoutMs ?? DEFAULT_WRITE_STALL_TIMEOUT_MS,
        maxWriteBufferBytes,
        knownSerializerIds: this.serializers.ids(),
        pauseReadingWhenBackedUp: true,
      }),
    );
    this.connections.add(connection);
    this.events.emit('connection', connection.peer);
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const server = this.netServer;
    if (server === undefined) {
      this._status$.next('closed');
      return;
    }
    this.draining = true;
    this._status$.next('draining');
    this.events.emit('draining');
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.goAway();

    if (timeoutMs > 0 && this.inFlightCount > 0) {
      let timer: NodeJS.Timeout | undefined;
      const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      const cut = new Promise<void>((resolve) => (this.cutNow = resolve));
      const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([drained, cut, expired]);
      clearTimeout(timer);
      this.cutNow = undefined;
      const left = this.inFlightCount;
      if (left > 0) this.logger.warn(`Drain ended after ${timeoutMs} ms or by close(): cutting ${left} call(s) still in flight`);
    }
    for (const connection of this.connections) connection.abortAll();
    // Each close flushes what is queued (the GOAWAY and the aborted calls' errors) and is bounded by SERVER_CLOSE_GRACE_MS.
    const gone = this.connections.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.goneWaiters.push(resolve));
    for (const connection of this.connections) connection.connection.close(undefined, SERVER_CLOSE_GRACE_MS);
    await Promise.all([stopped, gone]);
    this.limitedLog.flush();
    this.netServer = undefined;
    this._status$.next('closed');
  }

  private checkDrained(): void {
    for (const connection of this.connections) if (connection.inFlightCount > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

