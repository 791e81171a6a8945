import { LoggerService } from '@nestjs/common';
import { MessageHandler } from '@nestjs/microservices';
import { isObservable, Observable, Subscription } from 'rxjs';
import { FramedConnection } from '../connection/framed-connection';
import { ConnectionHandler } from '../connection/framed-connection.options';
import { FrameTooLargeError } from '../errors/frame-too-large.error';
import { RpcError } from '../errors/rpc.error';
import { SerializationError } from '../errors/serialization.error';
import { ServerDrainingError } from '../errors/server-draining.error';
import { ServerOverloadedError } from '../errors/server-overloaded.error';
import { toTransportErrorPayload } from '../errors/transport-errors';
import { UnknownPatternError } from '../errors/unknown-pattern.error';
import { Frame } from '../protocol/frame';
import { FrameFlags } from '../protocol/frame-flags';
import { MessageType } from '../protocol/message-type';
import { PayloadKind, Serializer } from '../serializers/serializer';
import { SerializerRegistry } from '../serializers/serializer-registry';
import { toErrorPayload } from './error-payload';
import { scopeOfCall, runInCallScope } from '../context/call-scope';
import { RpcContext, ServerCallState } from './rpc.context';

/** What a connection needs from the server that owns it. */
export interface ServerConnectionHost {
  readonly serializers: SerializerRegistry;
  readonly maxInFlightPerConnection: number;
  readonly logger: LoggerService;
  isDraining(): boolean;
  findRequestHandler(pattern: string): MessageHandler | undefined;
  dispatchEvent(pattern: string, data: unknown, context: RpcContext): void;
  onCallsSettled(connection: ServerConnection): void;
  onConnectionClosed(connection: ServerConnection, error: Error | undefined): void;
}

interface InFlight extends ServerCallState {
  subscription: Subscription | undefined;
}

/** One accepted socket: decodes calls, runs handlers, writes answers, honours cancel. */
export class ServerConnection implements ConnectionHandler {
  readonly connection: FramedConnection;
  private readonly inFlight = new Map<number, InFlight>();
  /** Highest request sequence id received; GOAWAY tells the client every later one was not run. */
  private lastSeq = 0;

  constructor(
    private readonly host: ServerConnectionHost,
    createConnection: (handler: ConnectionHandler) => FramedConnection,
  ) {
    this.connection = createConnection(this);
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

  onFrame(frame: Frame): void {
    switch (frame.type) {
      case MessageType.Request:
        return this.onRequest(frame);
      case MessageType.Event:
        return this.onEvent(frame);
      case MessageType.Cancel:
        return this.cancel(frame.seq);
      default:
        // Answers and GOAWAY only flow server → client; a client sending them is confused but harmless.
        this.host.logger.warn?.(`Ignoring ${MessageType[frame.type]} frame from ${this.peer}`);
    }
  }

  onClose(error: Error | undefined): void {
    for (const seq of [...this.inFlight.keys()]) this.cancel(seq);
    this.host.onConnectionClosed(this, error);
  }

  private onRequest(frame: Frame): void {
    const { seq, serializerId } = frame;
    const pattern = frame.meta.pattern ?? '';
    this.lastSeq = seq;
    if (this.host.isDraining()) return this.refuse(frame, new ServerDrainingError(this.peer));
    if (this.inFlight.has(seq)) return this.refuse(frame, new ServerOverloadedError(`Sequence id ${seq} is already in flight`));
    if (this.inFlight.size >= this.host.maxInFlightPerConnection) {
      return this.refuse(frame, new ServerOverloadedError(`${this.host.maxInFlightPerConnection} calls already in flight on this connection (maxInFlightPerConnection)`));
    }
    const handler = this.host.findRequestHandler(pattern);
    if (handler === undefined) return this.refuse(frame, new UnknownPatternError(pattern));

    const serializer = this.serializerFor(serializerId);
    let data: unknown;
    try {
      data = frame.body === undefined ? undefined : serializer.deserialize(frame.body, { pattern, kind: 'request' });
    } catch (err) {
      return this.refuse(frame, err instanceof RpcError ? err : new SerializationError(serializer.name, 'deserialize', err));
    }

    const call: InFlight = {
      seq,
      peer: this.peer,
      receivedAt: Date.now(),
      idempotent: (frame.flags & FrameFlags.Idempotent) !== 0,
      controller: undefined,
      cancelled: false,
      subscription: undefined,
    };
    this.inFlight.set(seq, call);
    let result: unknown;
    try {
      // Calls the handler makes inherit this call's deadline and trace context (deadline propagation).
      result = runInCallScope(scopeOfCall(frame.meta, call.receivedAt), () => handler(data, new RpcContext(frame.meta, call)));
    } catch (err) {
      return this.finishWithError(call, serializer, pattern, err, MessageType.Error);
    }
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => this.deliver(call, serializer, pattern, value),
        (err: unknown) => this.finishWithError(call, serializer, pattern, err, MessageType.Error),
      );
    } else {
      this.deliver(call, serializer, pattern, result);
    }
  }

  private deliver(call: InFlight, serializer: Serializer, pattern: string, value: unknown): void {
    if (call.cancelled) return;
    if (isObservable(value)) return this.stream(call, serializer, pattern, value);
    this.answer(call, serializer, pattern, MessageType.Response, value, 'response');
    this.settle(call);
  }

  private stream(call: InFlight, serializer: Serializer, pattern: string, source: Observable<unknown>): void {
    let done = false;
    const subscription = source.subscribe({
      next: (value) => {
        if (!done) this.answer(call, serializer, pattern, MessageType.StreamNext, value, 'response');
      },
      error: (err) => {
        done = true;
        this.finishWithError(call, serializer, pattern, err, MessageType.StreamError);
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
  }

  private finishWithError(call: InFlight, serializer: Serializer, pattern: string, err: unknown, type: MessageType): void {
    if (call.cancelled) return;
    this.answer(call, serializer, pattern, type, toErrorPayload(err), 'error');
    this.settle(call);
  }

  /** Encodes and sends one answer; if the value cannot be sent, the caller gets a transport error instead. */
  private answer(call: InFlight, serializer: Serializer, pattern: string, type: MessageType, value: unknown, kind: PayloadKind): void {
    let failure: RpcError;
    try {
      const body = value === undefined ? undefined : serializer.serialize(value, { pattern, kind });
      this.connection.send({ type, seq: call.seq, serializerId: serializer.id, body });
      return;
    } catch (err) {
      failure = err instanceof FrameTooLargeError || err instanceof RpcError ? err : new SerializationError(serializer.name, 'serialize', err);
    }
    this.host.logger.error(`Cannot send ${MessageType[type]} for "${pattern}" to ${this.peer}: ${failure.message}`);
    this.sendTransportError(call.seq, serializer, failure, pattern, type === MessageType.StreamNext ? MessageType.StreamError : MessageType.Error);
    if (type === MessageType.StreamNext) {
      call.subscription?.unsubscribe();
      call.cancelled = true;
      this.settle(call);
    }
  }

  private refuse(frame: Frame, error: RpcError): void {
    this.sendTransportError(frame.seq, this.serializerFor(frame.serializerId), error, frame.meta.pattern);
  }

  private sendTransportError(seq: number, serializer: Serializer, error: RpcError, pattern?: string, type = MessageType.Error): void {
    const body = serializer.serialize(toTransportErrorPayload(error, pattern), { pattern: pattern ?? '', kind: 'transport-error' });
    this.connection.send({ type, seq, serializerId: serializer.id, flags: FrameFlags.TransportError, body });
  }

  private onEvent(frame: Frame): void {
    const pattern = frame.meta.pattern ?? '';
    const serializer = this.serializerFor(frame.serializerId);
    let data: unknown;
    try {
      data = frame.body === undefined ? undefined : serializer.deserialize(frame.body, { pattern, kind: 'event' });
    } catch (err) {
      this.host.logger.error(`Dropping event "${pattern}" from ${this.peer}: ${(err as Error).message}`);
      return;
    }
    const call: ServerCallState = { seq: frame.seq, peer: this.peer, receivedAt: Date.now(), idempotent: false, controller: undefined, cancelled: false };
    this.host.dispatchEvent(pattern, data, new RpcContext(frame.meta, call));
  }

  /** The caller's serializer; a bodiless frame (id 0) is answered in the server's first one. */
  private serializerFor(id: number): Serializer {
    const registry = this.host.serializers;
    return registry.has(id) ? registry.get(id) : registry.get(registry.ids()[0]);
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
    if (this.inFlight.size === 0) this.host.onCallsSettled(this);
  }
}
