import { LoggerService } from '@nestjs/common';
import { WritePacket } from '@nestjs/microservices';
import { PayloadCodec } from '../codec/payload-codec';
import { ConnectionHandler } from '../connection/connection-handler';
import { FramedConnection } from '../connection/framed-connection';
import { ConnectionClosedError } from '../errors/connection-closed.error';
import { RpcError } from '../errors/rpc.error';
import { ServerDrainingError } from '../errors/server-draining.error';
import { RpcTimeoutError } from '../errors/timeout.error';
import { fromTransportErrorPayload } from '../errors/transport-errors';
import { WriteBufferFullError } from '../errors/write-buffer-full.error';
import { Frame } from '../protocol/frame';
import { FrameFlags } from '../protocol/frame-flags';
import { MessageType } from '../protocol/message-type';
import { Serializer } from '../serializers/serializer';
import { remainingMs, ResolvedCallOptions, toWire } from './call-options';
import { PendingCall, PendingCalls, settle } from './pending-calls';
import { endProbeWith, rpcInstrumentation } from '../instrumentation/instrumentation-hub';
import { HANDSHAKE_PING_SEQ } from './constants';

const NOOP = (): void => undefined;

/** What a connection needs from the client that owns it. */
export interface ClientConnectionOwner {
  readonly address: string;
  readonly codec: PayloadCodec;
  readonly logger: LoggerService;
  /** The peer answered for the first time: the connection is ready for calls. */
  onReady(connection: ClientConnection): void;
  onGoAway(connection: ClientConnection): void;
  /** The socket is gone; every pending call has been failed already. */
  onClosed(connection: ClientConnection, error: Error | undefined): void;
}

/**
 * One client socket, the mirror of ServerConnection: PINGs as soon as it exists and counts as
 * ready only once the peer has answered; multiplexes calls by sequence id with one deadline
 * per call (streams included); honours GOAWAY; fails every pending call when the socket goes,
 * telling apart calls the server never ran.
 */
export class ClientConnection implements ConnectionHandler {
  readonly connection: FramedConnection;
  private readonly pending = new PendingCalls((call) => this.onTimeout(call));
  private ready = false;
  /** From GOAWAY: the server ran no request with a higher sequence id. */
  private goAwayLastSeq: number | undefined;
  /** Sent a credential: ready only once the server answers the handshake PING (it verified it). */
  private readonly authenticating: boolean;
  /** Why the server refused the whole connection (an ERROR with sequence id 0, e.g. AuthenticationError). */
  private refusedWith: RpcError | undefined;

  constructor(
    private readonly owner: ClientConnectionOwner,
    private readonly serializer: Serializer,
    createConnection: (handler: ConnectionHandler) => FramedConnection,
    credential?: string,
  ) {
    this.connection = createConnection(this);
    this.authenticating = credential !== undefined;
    // Any answer proves the peer speaks the protocol; a black hole that accepted TCP never answers.
    // With a credential, the PONG to this PING is the server's "authenticated" (docs/protocol.md).
    if (credential === undefined) this.connection.send({ type: MessageType.Ping });
    else this.connection.send({ type: MessageType.Ping, seq: HANDSHAKE_PING_SEQ, meta: { credential } });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Ready, open and not draining: new calls may go here. */
  get isUsable(): boolean {
    return this.ready && this.connection.isOpen && this.goAwayLastSeq === undefined;
  }

  get isDraining(): boolean {
    return this.goAwayLastSeq !== undefined;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  isBusy(): boolean {
    return this.pending.size > 0;
  }

  /** Why a new call cannot go out now, or undefined when it can. */
  refusal(): RpcError | undefined {
    if (this.isDraining) return new ServerDrainingError(this.owner.address);
    if (!this.connection.isOpen) return new ConnectionClosedError(`${this.owner.address} is closing`, { written: false });
    if (!this.connection.canWrite) return new WriteBufferFullError(this.connection.writableBytes, this.connection.maxWriteBytes);
    return undefined;
  }

  /** Sends a request; `callback` gets Nest's WritePackets. Returns a teardown that cancels. */
  call(pattern: string, data: unknown, options: ResolvedCallOptions, onPacket: (packet: WritePacket) => void): () => void {
    let callback = onPacket;
    const refused = this.refusal();
    if (refused !== undefined) {
      callback({ err: refused, isDisposed: true });
      return NOOP;
    }
    const now = Date.now();
    if (options.deadline !== undefined && options.deadline <= now) {
      callback({ err: new RpcTimeoutError(pattern, options.budgetMs), isDisposed: true });
      return NOOP;
    }
    const timeoutMs = remainingMs(options, now);
    const seq = this.pending.nextSeq();
    const { meta, flags } = toWire(pattern, options, timeoutMs);
    // Instrumentation (a client span per attempt) may write its trace context into `meta`.
    const probe = rpcInstrumentation()?.clientCall?.({ pattern, meta, peer: this.owner.address, kind: 'call' });
    const probed = probe === undefined ? undefined : endProbeWith(probe, callback);
    if (probed !== undefined) callback = probed.callback;
    let frame: Buffer;
    try {
      frame = this.owner.codec.encode(this.serializer, { type: MessageType.Request, seq, flags, meta, value: data, kind: 'request', pattern });
    } catch (err) {
      callback({ err, isDisposed: true });
      return NOOP;
    }
    const call: PendingCall = { seq, pattern, callback, timeoutMs: options.budgetMs, deadline: undefined };
    this.pending.add(call, timeoutMs);
    this.connection.write(frame);
    return () => {
      if (this.pending.take(seq) !== undefined) this.connection.send({ type: MessageType.Cancel, seq });
      probed?.cancel();
    };
  }

  /** Sends an event (no answer). Throws the refusal or encoding error. */
  event(pattern: string, data: unknown, options: ResolvedCallOptions): void {
    const refused = this.refusal();
    if (refused !== undefined) throw refused;
    const { meta, flags } = toWire(pattern, options, 0);
    const probe = rpcInstrumentation()?.clientCall?.({ pattern, meta, peer: this.owner.address, kind: 'event' });
    probe?.end();
    this.connection.write(this.owner.codec.encode(this.serializer, { type: MessageType.Event, seq: 0, flags, meta, value: data, kind: 'event', pattern }));
  }

  onPeerHeard(_connection: FramedConnection, frame: Frame): void {
    // A server refusing the connection speaks first with its refusal: that is no "ready".
    if (this.authenticating || isConnectionError(frame)) return;
    this.becomeReady();
  }

  onPong(frame: Frame): void {
    if (!this.ready && this.authenticating && frame.seq === HANDSHAKE_PING_SEQ) this.becomeReady();
  }

  onFrame(frame: Frame): void {
    switch (frame.type) {
      case MessageType.Response: {
        const call = this.pending.take(frame.seq);
        if (call !== undefined) this.deliver(call, frame, true);
        return;
      }
      case MessageType.StreamNext: {
        // The deadline covers the whole call: stream frames do not extend it (the server holds the same one).
        const call = this.pending.get(frame.seq);
        if (call !== undefined) this.deliver(call, frame, false);
        return;
      }
      case MessageType.StreamComplete: {
        const call = this.pending.take(frame.seq);
        if (call !== undefined) settle(call, { isDisposed: true });
        return;
      }
      case MessageType.Error:
      case MessageType.StreamError: {
        if (isConnectionError(frame)) return this.onRefused(frame);
        const call = this.pending.take(frame.seq);
        if (call !== undefined) settle(call, { err: this.decodeError(call, frame), isDisposed: true });
        return;
      }
      case MessageType.GoAway:
        this.goAwayLastSeq = frame.seq;
        this.owner.onGoAway(this);
        return;
      default:
        this.owner.logger.warn?.(`Ignoring unexpected ${MessageType[frame.type]} frame from ${this.owner.address}`);
    }
  }

  onClose(error: Error | undefined): void {
    const refused = this.refusedWith;
    if (refused !== undefined) {
      // Nothing ran: every call fails with the server's reason (e.g. AuthenticationError), typed.
      this.failAll(refused);
      return this.owner.onClosed(this, refused);
    }
    const reason = error instanceof ConnectionClosedError ? error.reason : error?.message ?? `${this.owner.address} closed the connection`;
    const closed = new ConnectionClosedError(reason, { cause: error, written: true });
    this.failAll(closed);
    this.owner.onClosed(this, error);
  }

  private becomeReady(): void {
    this.ready = true;
    this.owner.onReady(this);
  }

  /** The server refused the connection (it closes it next): remember why, so the close reports it. */
  private onRefused(frame: Frame): void {
    let payload: unknown;
    try {
      payload = this.owner.codec.decode(frame, '', 'transport-error');
    } catch (err) {
      payload = { code: 'REMOTE_ERROR', message: (err as Error).message };
    }
    this.refusedWith = fromTransportErrorPayload(payload, this.owner.address);
    this.owner.logger.warn?.(`${this.owner.address} refused the connection: ${this.refusedWith.message}`);
    this.connection.close();
  }

  /**
   * Fails every pending call: with `error`, except calls sent after the last one the server
   * saw (per its GOAWAY), which never ran and get retryable ServerDrainingError.
   */
  failAll(error: unknown): void {
    const lastSeq = this.goAwayLastSeq;
    const notRun = new ServerDrainingError(this.owner.address);
    this.pending.failAll((call) => (lastSeq !== undefined && isSequenceAfter(call.seq, lastSeq) ? notRun : error));
  }

  /** Orderly close; resolves once the socket is gone. */
  close(): Promise<void> {
    const socket = this.connection.socket;
    if (socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      this.connection.close();
    });
  }

  private deliver(call: PendingCall, frame: Frame, last: boolean): void {
    let value: unknown;
    try {
      value = this.owner.codec.decode(frame, call.pattern, 'response');
    } catch (err) {
      if (!last && this.pending.take(call.seq) !== undefined) this.connection.send({ type: MessageType.Cancel, seq: call.seq });
      settle(call, { err, isDisposed: true });
      return;
    }
    if (!last) return call.callback({ response: value });
    // A single answer always yields exactly one value, `undefined` included.
    if (value === undefined) call.callback({ response: undefined });
    settle(call, { response: value, isDisposed: true });
  }

  private decodeError(call: PendingCall, frame: Frame): unknown {
    const fromTransport = (frame.flags & FrameFlags.TransportError) !== 0;
    let payload: unknown;
    try {
      payload = this.owner.codec.decode(frame, call.pattern, fromTransport ? 'transport-error' : 'error');
    } catch (err) {
      return err;
    }
    if (!fromTransport) return payload;
    const error = fromTransportErrorPayload(payload, this.owner.address);
    return error instanceof RpcTimeoutError ? new RpcTimeoutError(call.pattern, call.timeoutMs) : error;
  }

  private onTimeout(call: PendingCall): void {
    if (this.pending.take(call.seq) === undefined) return;
    this.connection.send({ type: MessageType.Cancel, seq: call.seq });
    settle(call, { err: new RpcTimeoutError(call.pattern, call.timeoutMs), isDisposed: true });
  }
}

/** An ERROR for no call (sequence id 0) from the transport: the server refuses the whole connection. */
function isConnectionError(frame: Frame): boolean {
  return frame.type === MessageType.Error && frame.seq === 0 && (frame.flags & FrameFlags.TransportError) !== 0;
}

/**
 * Serial-number order on u32 sequence ids (RFC 1982): correct across wrap-around as long as
 * fewer than 2^31 calls are in flight, which the in-flight limits guarantee.
 */
export function isSequenceAfter(seq: number, reference: number): boolean {
  const distance = (seq - reference) >>> 0;
  return distance !== 0 && distance < 0x80000000;
}
