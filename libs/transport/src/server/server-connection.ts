import { LoggerService } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { isObservable, Observable, Subscription } from 'rxjs';
import { PayloadCodec } from '../codec/payload-codec';
import { LogLimiter } from '../logging/log-limiter';
import { ConnectionHandler } from '../connection/connection-handler';
import { FramedConnection } from '../connection/framed-connection';
import { Deadline, DeadlineQueue } from '../connection/deadline-queue';
import { SeqMap } from '../connection/seq-map';
import { RpcError } from '../errors/rpc.error';
import { ServerClosedError } from '../errors/server-closed.error';
import { ServerDrainingError } from '../errors/server-draining.error';
import { ServerOverloadedError } from '../errors/server-overloaded.error';
import { ResponseDroppedError } from '../errors/response-dropped.error';
import { StreamBackpressureError } from '../errors/stream-backpressure.error';
import { RpcTimeoutError } from '../errors/timeout.error';
import { toTransportErrorPayload } from '../errors/transport-errors';
import { UnknownPatternError } from '../errors/unknown-pattern.error';
import { Frame } from '../protocol/frame';
import { FrameFlags } from '../protocol/frame-flags';
import { MessageType } from '../protocol/message-type';
import { PayloadKind, Serializer } from '../serializers/serializer';
import { toErrorPayload } from './error-payload';
import { callScopesEnabled, runInCallScope, scopeOfCall } from '../context/call-scope';
import { RpcContext, ServerCallState } from './rpc.context';
import { CallProbe } from '../instrumentation/rpc-instrumentation';
import { CallLimiter, CallPermit } from './limits/call-limiter';
import { CallerCache } from './limits/caller-cache';
import { rpcInstrumentation } from '../instrumentation/instrumentation-hub';
import { AuthenticationError } from '../errors/authentication.error';
import { certificateIdentity, verifiedPeerCertificate } from '../auth/peer-certificate';
import { RpcIdentity, RpcServerAuthOptions } from '../auth/rpc-identity';
import { ServerAuthGate } from '../auth/server-auth-gate';
import { forbiddenErrorOf } from './error-payload';

/** What a connection needs from the server that owns it. */
export interface ServerConnectionOwner {
  readonly codec: PayloadCodec;
  readonly maxInFlightPerConnection: number;
  /** Overload gate (limits); undefined when no limit is configured. */
  readonly limiter?: CallLimiter;
  readonly logger: LoggerService;
  /** For lines a peer can trigger at will: one per reason per window, with a count. */
  readonly limitedLog: LogLimiter;
  /** Token authentication: when set, no call runs before its verifier accepts the connection. */
  readonly auth?: RpcServerAuthOptions;
  /** Bounds the whole authentication handshake (ms; 0 = none). */
  readonly handshakeTimeoutMs?: number;
  isDraining(): boolean;
  findRequestHandler(pattern: string): MessageHandler | undefined;
  dispatchEvent(pattern: string, data: unknown, context: RpcContext): void;
  onCallsSettled(connection: ServerConnection): void;
  onConnectionClosed(connection: ServerConnection, error: Error | undefined): void;
}

interface InFlight extends ServerCallState {
  readonly pattern: string;
  readonly serializer: Serializer;
  subscription: Subscription | undefined;
  /** The server's own deadline: fires even if the caller's CANCEL never arrives. */
  deadline: Deadline<InFlight> | undefined;
  /** Instrumentation (tracing, metrics) following this call, when installed; ended in settle(). */
  probe?: CallProbe;
  failure?: unknown;
  /** What the limiter admitted the call with; released in settle(). */
  permit: CallPermit | undefined;
}

/** One accepted socket: decodes calls, runs handlers, writes answers, honours cancel and deadlines. */
export class ServerConnection implements ConnectionHandler {
  readonly connection: FramedConnection;
  /** Not a Map: its stale tables would keep settled calls (and their subscriptions) reachable until a full collection (seq-map.ts). */
  private readonly inFlight = new SeqMap<InFlight>();
  /**
   * Every call's deadline under one timer, instead of a setTimeout armed and cleared per call.
   * The timer stays armed when the last call settles (unref()'d, cleared in onClose): with one
   * call at a time, clearing it would arm and clear a timer per call again.
   */
  private readonly deadlines = new DeadlineQueue<InFlight>((call, timeoutMs) => this.expire(call, timeoutMs), { clearTimerWhenEmpty: false });
  /** Highest request sequence id received; GOAWAY tells the client every later one was not run. */
  private lastSeq = 0;
  /** Who is calling: from the verified client certificate at once, from the token verifier once it accepts. */
  private identity: RpcIdentity | undefined;
  /** Present while token authentication is required and not yet done (undefined: calls are taken). */
  private gate: ServerAuthGate | undefined;
  /** The limiter's caller key and buckets for this connection's calls (created with the first limited call). */
  private callerCache: CallerCache | undefined;

  constructor(
    private readonly owner: ServerConnectionOwner,
    createConnection: (handler: ConnectionHandler) => FramedConnection,
  ) {
    this.connection = createConnection(this);
    const certificate = verifiedPeerCertificate(this.connection.socket);
    this.identity = certificateIdentity(certificate);
    if (owner.auth !== undefined) {
      this.gate = new ServerAuthGate(owner.auth, this.peer, certificate, {
        accept: (identity, pingSeq) => this.onAuthenticated(identity, pingSeq),
        reject: (error, cause) => this.refuseConnection(error, cause),
      }, owner.handshakeTimeoutMs ?? 0);
    }
    rpcInstrumentation()?.serverConnectionOpened?.(this.connection.socket);
  }

  get peer(): string {
    return this.connection.label;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  isBusy(): boolean {
    return this.inFlight.size > 0;
  }

  goAway(): void {
    this.connection.send({ type: MessageType.GoAway, seq: this.lastSeq });
  }

  /**
   * Ends every call still running: its handler's signal aborts and its caller gets
   * ServerClosedError (the request ran), written before the connection closes.
   */
  abortAll(): void {
    for (const call of this.inFlight.values()) {
      this.sendTransportError(call.seq, call.serializer, (call.failure = new ServerClosedError('server')), call.pattern, this.errorTypeOf(call));
      this.cancel(call.seq);
    }
  }

  onFrame(frame: Frame): void {
    rpcInstrumentation()?.serverFrameIn?.();
    // Nothing but the handshake PING before the verifier accepts: a call here never reaches a handler.
    if (this.gate !== undefined) return this.beforeAuthentication(frame);
    switch (frame.type) {
      case MessageType.Request:
        return this.onRequest(frame);
      case MessageType.Event:
        return this.onEvent(frame);
      case MessageType.Cancel:
        return this.cancel(frame.seq);
      default:
        // Answers and GOAWAY only flow server → client; a client sending them is confused but harmless.
        this.owner.limitedLog.warn(`ignored-${frame.type}`, `Ignoring ${MessageType[frame.type]} frame from ${this.peer}`);
    }
  }

  /** The connection answers a PING only when the authentication handshake allows it. */
  onPing(frame: Frame): boolean {
    return this.gate === undefined || this.gate.onPing(frame);
  }

  onClose(error: Error | undefined): void {
    this.gate?.dispose();
    for (const call of this.inFlight.values()) this.cancel(call.seq);
    this.deadlines.clear();
    rpcInstrumentation()?.serverConnectionClosed?.(this.connection.socket, error);
    this.owner.onConnectionClosed(this, error);
  }

  private beforeAuthentication(frame: Frame): void {
    const gate = this.gate as ServerAuthGate;
    if (frame.type === MessageType.Request) this.refuse(frame, new AuthenticationError('Not authenticated: the call was not run'));
    gate.refuseEarly(`${MessageType[frame.type]} frame`);
  }

  private onAuthenticated(identity: RpcIdentity, pingSeq: number): void {
    this.identity = identity;
    this.gate = undefined;
    this.connection.send({ type: MessageType.Pong, seq: pingSeq });
  }

  /** Authentication failed: one connection-level ERROR (seq 0) the client surfaces, then close. */
  private refuseConnection(error: AuthenticationError, cause: unknown): void {
    const why = cause === undefined ? '' : ` (verifier: ${(cause as Error)?.message ?? String(cause)})`;
    this.owner.limitedLog.warn('auth-refused', `Refusing ${this.peer}: ${error.message}${why}`);
    if (!this.connection.isOpen) return;
    this.sendTransportError(0, this.serializerFor(0), error);
    this.connection.close();
  }

  private onRequest(frame: Frame): void {
    const { seq } = frame;
    const pattern = frame.meta.pattern ?? '';
    this.lastSeq = seq;
    if (this.owner.isDraining()) return this.refuse(frame, new ServerDrainingError(this.peer));
    if (this.connection.overWriteBudget) return this.refuse(frame, new ServerOverloadedError('The server holds maxServerWriteBufferBytes of unread answers', { reason: 'write_buffer' }));
    if (this.inFlight.has(seq)) return this.refuse(frame, new ServerOverloadedError(`Sequence id ${seq} is already in flight`));
    if (this.inFlight.size >= this.owner.maxInFlightPerConnection) {
      return this.refuse(frame, new ServerOverloadedError(`${this.owner.maxInFlightPerConnection} calls already in flight on this connection (maxInFlightPerConnection)`, { reason: 'in_flight' }));
    }
    const handler = this.owner.findRequestHandler(pattern);
    if (handler === undefined) return this.refuse(frame, new UnknownPatternError(pattern));

    const call: InFlight = {
      seq,
      pattern,
      serializer: this.serializerFor(frame.serializerId),
      peer: this.peer,
      identity: this.identity,
      receivedAt: Date.now(),
      idempotent: (frame.flags & FrameFlags.Idempotent) !== 0,
      controller: undefined,
      cancelled: false,
      subscription: undefined,
      deadline: undefined,
      probe: undefined,
      failure: undefined,
      permit: undefined,
    };
    const context = new RpcContext(frame.meta, call);
    // Overload limits refuse before the body is decoded or the handler runs.
    const limiter = this.owner.limiter;
    if (limiter !== undefined) {
      const admitted = limiter.admit(pattern, context, (this.callerCache ??= new CallerCache()));
      if (admitted instanceof ServerOverloadedError) return this.refuse(frame, admitted);
      call.permit = admitted;
    }
    let data: unknown;
    try {
      data = this.owner.codec.decode(frame, pattern, 'request');
    } catch (err) {
      call.permit?.release();
      return this.refuse(frame, err as RpcError);
    }

    this.inFlight.add(call);
    const timeoutMs = frame.meta.timeoutMs ?? 0;
    if (timeoutMs > 0) call.deadline = this.deadlines.add(call, timeoutMs);
    this.run(call, handler, data, context);
  }

  /** The one place a request handler is invoked (wrap it here to give handlers a call scope). */
  private run(call: InFlight, handler: MessageHandler, data: unknown, context: RpcContext): void {
    let result: unknown;
    try {
      // Calls the handler makes inherit this call's deadline and trace context (deadline propagation).
      const scoped = callScopesEnabled();
      const probe = (call.probe = rpcInstrumentation()?.serverCall?.({ pattern: call.pattern, meta: context.getMetadata(), peer: call.peer, kind: 'call' }));
      if (!scoped && probe?.run === undefined) {
        result = handler(data, context); // the common path (also with metrics only): no closure per call
      } else {
        const invoke = scoped ? () => runInCallScope(scopeOfCall(context.getMetadata(), call.receivedAt), () => handler(data, context)) : () => handler(data, context);
        result = probe?.run === undefined ? invoke() : probe.run(invoke);
      }
    } catch (err) {
      return this.finishWithError(call, err, MessageType.Error);
    }
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => this.deliver(call, value),
        (err: unknown) => this.finishWithError(call, err, MessageType.Error),
      );
    } else {
      this.deliver(call, result);
    }
  }

  private deliver(call: InFlight, value: unknown): void {
    if (call.cancelled) return;
    if (isObservable(value)) return this.stream(call, value);
    this.answer(call, MessageType.Response, value, 'response');
    this.settle(call);
  }

  private stream(call: InFlight, source: Observable<unknown>): void {
    let done = false;
    const subscription = source.subscribe({
      next: (value) => {
        if (!done && !call.cancelled) this.answer(call, MessageType.StreamNext, value, 'response');
      },
      error: (err) => {
        done = true;
        this.finishWithError(call, err, MessageType.StreamError);
      },
      complete: () => {
        done = true;
        if (call.cancelled) return;
        this.connection.send({ type: MessageType.StreamComplete, seq: call.seq });
        this.settle(call);
      },
    });
    // A synchronous source may already be done; only keep live subscriptions for cancel.
    if (!done && !call.cancelled) call.subscription = subscription;
    else if (call.cancelled) subscription.unsubscribe();
  }

  private finishWithError(call: InFlight, err: unknown, type: MessageType): void {
    if (call.cancelled) return;
    call.failure = err;
    // A guard's denial goes back typed (ForbiddenError), not as a bare payload the caller must recognise.
    const forbidden = forbiddenErrorOf(err, call.pattern);
    if (forbidden !== undefined) this.sendTransportError(call.seq, call.serializer, forbidden, call.pattern, type);
    else this.answer(call, type, toErrorPayload(err), 'error');
    this.settle(call);
  }

  /** Encodes and sends one answer; if the value cannot be sent, the caller gets a transport error instead. */
  private answer(call: InFlight, type: MessageType, value: unknown, kind: PayloadKind): void {
    if (!this.connection.canWrite && this.connection.isOpen) return this.shed(call, type);
    try {
      this.connection.write(this.owner.codec.encode(call.serializer, { type, seq: call.seq, value, kind, pattern: call.pattern }));
      rpcInstrumentation()?.serverFrameOut?.();
      return;
    } catch (err) {
      const failure = err as RpcError;
      this.owner.logger.error(`Cannot send ${MessageType[type]} for "${call.pattern}" to ${this.peer}: ${failure.message}`);
      this.sendTransportError(call.seq, call.serializer, failure, call.pattern, type === MessageType.StreamNext ? MessageType.StreamError : type);
    }
    if (type === MessageType.StreamNext) this.cancel(call.seq);
  }

  /**
   * The write buffer is full (this connection's or the server's): the answer is not queued, so
   * memory stays bounded; the caller gets a small typed error instead, and a stream ends.
   */
  private shed(call: InFlight, type: MessageType): void {
    const buffered = this.connection.writableBytes;
    const streaming = type === MessageType.StreamNext || type === MessageType.StreamError;
    const error = streaming ? new StreamBackpressureError(call.pattern, buffered) : new ResponseDroppedError(call.pattern);
    this.owner.limitedLog.warn(`shed-${error.code}`, `${error.message} (${this.peer}, ${buffered} bytes unread)`);
    this.sendTransportError(call.seq, call.serializer, error, call.pattern, streaming ? MessageType.StreamError : MessageType.Error);
    if (type === MessageType.StreamNext) this.cancel(call.seq);
  }

  /** The call's deadline passed on the server's own clock: abort the handler and tell the caller. */
  private expire(call: InFlight, timeoutMs: number): void {
    call.deadline = undefined;
    if (this.inFlight.get(call.seq) !== call) return;
    this.sendTransportError(call.seq, call.serializer, (call.failure = new RpcTimeoutError(call.pattern, timeoutMs)), call.pattern, this.errorTypeOf(call));
    this.cancel(call.seq);
  }

  private errorTypeOf(call: InFlight): MessageType {
    return call.subscription === undefined ? MessageType.Error : MessageType.StreamError;
  }

  private refuse(frame: Frame, error: RpcError): void {
    rpcInstrumentation()?.serverRejected?.(frame.meta.pattern ?? '', error);
    this.sendTransportError(frame.seq, this.serializerFor(frame.serializerId), error, frame.meta.pattern);
  }

  private sendTransportError(seq: number, serializer: Serializer, error: RpcError, pattern?: string, type = MessageType.Error): void {
    const value = toTransportErrorPayload(error, pattern);
    this.connection.write(this.owner.codec.encode(serializer, { type, seq, flags: FrameFlags.TransportError, value, kind: 'transport-error', pattern: pattern ?? '' }));
    rpcInstrumentation()?.serverFrameOut?.();
  }

  private onEvent(frame: Frame): void {
    const pattern = frame.meta.pattern ?? '';
    let data: unknown;
    try {
      data = this.owner.codec.decode(frame, pattern, 'event');
    } catch (err) {
      this.owner.limitedLog.error(`event-${(err as RpcError).code ?? 'undecodable'}`, `Dropping event "${pattern}" from ${this.peer}: ${(err as Error).message}`);
      return;
    }
    const call: ServerCallState = { seq: frame.seq, peer: this.peer, identity: this.identity, receivedAt: Date.now(), idempotent: false, controller: undefined, cancelled: false };
    const probe = rpcInstrumentation()?.serverCall?.({ pattern, meta: frame.meta, peer: this.peer, kind: 'event' });
    if (probe === undefined) return this.owner.dispatchEvent(pattern, data, new RpcContext(frame.meta, call));
    if (probe.run === undefined) this.owner.dispatchEvent(pattern, data, new RpcContext(frame.meta, call));
    else probe.run(() => this.owner.dispatchEvent(pattern, data, new RpcContext(frame.meta, call)));
    probe.end();
  }

  /** The caller's serializer; a bodiless frame (id 0) is answered in the server's first one. */
  private serializerFor(id: number): Serializer {
    const serializers = this.owner.codec.serializers;
    return serializers.has(id) ? serializers.get(id) : serializers.get(serializers.ids()[0]);
  }

  private cancel(seq: number): void {
    const call = this.inFlight.get(seq);
    if (call === undefined) return;
    call.cancelled = true;
    call.subscription?.unsubscribe();
    call.controller?.abort();
    this.settle(call);
  }

  private settle(call: InFlight): void {
    if (this.inFlight.get(call.seq) !== call) return;
    this.inFlight.delete(call.seq);
    if (call.deadline !== undefined) this.deadlines.remove(call.deadline);
    call.permit?.release();
    call.probe?.end(call.failure);
    if (this.inFlight.size === 0) this.owner.onCallsSettled(this);
  }
}
