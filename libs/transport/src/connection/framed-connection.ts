import { Logger } from '@nestjs/common';
import { Socket } from 'net';
import { ConnectionClosedError } from '../errors/connection-closed.error';
import { HeartbeatTimeoutError } from '../errors/heartbeat-timeout.error';
import { PendingFramesLimitError } from '../errors/pending-frames-limit.error';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/constants';
import { encodeFrame } from '../protocol/frame-encoder';
import { FrameDecoder } from '../protocol/frame-decoder';
import { Frame, OutgoingFrame } from '../protocol/frame';
import { MessageType } from '../protocol/message-type';
import {
  CLOSE_GRACE_MS,
  COALESCE_WRITE_BYTES,
  WRITEV_MIN_AVERAGE_BYTES,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_WRITE_BUFFER_BYTES,
  DEFAULT_MISSED_HEARTBEATS,
  DEFAULT_FRAME_TIMEOUT_MS,
} from './constants';
import { FlushSchedule } from './flush-schedule';
import { FrameArena, frameArena } from './frame-arena';
import { ownedFrame, ReadBacklog } from './read-backlog';
import { ReadWriteDeadlines } from './read-write-deadlines';
import { ConnectionHandler } from './connection-handler';
import { FramedConnectionOptions } from './framed-connection.options';

const logger = new Logger('FramedConnection');


/**
 * A framed, multiplexed connection over one socket, shared by client and server.
 *
 * - Reads: bytes → FrameDecoder → handler.onFrame. A protocol error closes the connection.
 * - Writes: frames queued in the current tick go out together in one write (or one writev),
 *   so a burst of 500 responses costs one syscall, not 500. The socket's own buffer is the
 *   queue; `writableBytes` exposes its size so callers can refuse work instead of buffering
 *   without bound.
 * - Liveness: any received byte counts as life; after `heartbeatIntervalMs` of silence a PING
 *   goes out, after `heartbeatIntervalMs × missedHeartbeats` of silence the connection closes
 *   with HeartbeatTimeoutError. The check runs every half interval, so detection lags by at most
 *   half an interval.
 */
export class FramedConnection {
  readonly maxFrameBytes: number;
  readonly label: string;
  private readonly decoder: FrameDecoder;
  private readonly maxWriteBufferBytes: number;
  private readonly pauseReading: boolean;
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  /** Frames of the outbox carved from the frame arena: released once the socket is done with them. */
  private outboxArenaFrames = 0;
  private flushScheduled = false;
  private readonly schedule = new FlushSchedule();
  private readonly endTurn = (): void => {
    this.flushScheduled = false;
    this.schedule.turnEnded();
    this.flush();
  };
  private lastHeardAt = Date.now();
  private pinged = false;
  private peerHeard = false;
  private active = true;
  private idleSince = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private closed = false;
  private closeError: Error | undefined;
  private pausedForBackpressure = false;
  private idleClosed = false;
  private deathTimer: NodeJS.Timeout | undefined;
  private readonly deadlines: ReadWriteDeadlines;
  private framesDispatched = 0;
  /** Partial-frame bytes last reported to the shared budget. */
  private budgeted = 0;
  /** Outgoing bytes last reported to the shared write budget. */
  private writeBudgeted = 0;
  private readonly backlog = new ReadBacklog();
  /** The socket itself is paused (the backlog is full). */
  private socketPaused = false;

  constructor(
    readonly socket: Socket,
    private readonly handler: ConnectionHandler,
    private readonly options: FramedConnectionOptions = {},
  ) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxWriteBufferBytes = options.maxWriteBufferBytes ?? DEFAULT_MAX_WRITE_BUFFER_BYTES;
    this.pauseReading = options.pauseReadingWhenBackedUp ?? false;
    this.label = options.label ?? `${socket.remoteAddress}:${socket.remotePort}`;
    this.deadlines = new ReadWriteDeadlines({
      frameMs: options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS,
      handshakeMs: options.handshakeTimeoutMs ?? 0,
      stallMs: options.writeStallTimeoutMs ?? 0,
      maxWriteBufferBytes: this.maxWriteBufferBytes,
    });
    this.decoder = new FrameDecoder({ maxFrameBytes: this.maxFrameBytes, knownSerializerIds: options.knownSerializerIds });
    socket.setNoDelay(true);
    if (options.reads === undefined) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    else {
      const early = options.reads.attach((chunk) => this.onData(chunk));
      // Reading stopped at a read that came before us. Like a 'data' event, it is handled once
      // the owner has finished constructing; then reading goes on, unless it filled the backlog.
      if (early !== undefined) {
        setImmediate(() => {
          this.onData(early);
          if (!this.socketPaused && !this.closed) socket.resume();
        });
      }
    }
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) => this.fail(err));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.onSocketClose());
    this.startTimer();
  }

  /** True once this side closed the connection for idleness (`idleTimeoutMs`): nothing failed. */
  get closedForIdleness(): boolean {
    return this.idleClosed;
  }

  get isOpen(): boolean {
    return !this.closing && !this.closed;
  }

  /** Bytes accepted but not yet handed to the kernel. */
  get writableBytes(): number {
    return this.outboxBytes + this.socket.writableLength;
  }

  /** False when the outgoing buffer is over its bound: refuse new work rather than queue it. */
  get canWrite(): boolean {
    return this.isOpen && this.writableBytes < this.maxWriteBufferBytes && !this.overWriteBudget;
  }

  /** True when the server-wide write budget (`maxServerWriteBufferBytes`) is used up. */
  get overWriteBudget(): boolean {
    const budget = this.options.writeBudget;
    return budget !== undefined && budget.used >= budget.limit;
  }

  get maxWriteBytes(): number {
    return this.maxWriteBufferBytes;
  }

  /** Encodes and queues one frame. Throws FrameTooLargeError (nothing is queued) when it is too big. */
  send(frame: OutgoingFrame): void {
    this.write(encodeFrame(frame, this.maxFrameBytes));
  }

  /** Queues an already encoded frame. */
  write(bytes: Buffer): void {
    const fromArena = FrameArena.owns(bytes);
    if (!this.isOpen) {
      if (fromArena) frameArena.release(bytes);
      return;
    }
    if (fromArena) this.outboxArenaFrames++;
    this.outbox.push(bytes);
    this.outboxBytes += bytes.length;
    this.reportWritable();
    // Part of the batch goes out now rather than at the end of the turn, so the peer starts
    // working on it while we keep producing: both ends busy at once (FlushSchedule).
    // The socket's backlog only matters for a lone frame (a turn's first): not read per frame in a burst.
    const queued = this.outbox.length;
    if (this.schedule.isDue(queued, this.outboxBytes, queued === 1 && this.socket.writableLength === 0)) {
      this.schedule.flushedEarly();
      this.flush();
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.endTurn);
    }
  }

  /**
   * Orderly close: flush what is queued, half-close, and destroy if the peer does not finish
   * the close within `graceMs`. With an error, the socket is destroyed at once.
   */
  close(error?: Error, graceMs = CLOSE_GRACE_MS): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.closeError = error;
    this.stopTimer();
    if (error !== undefined) {
      this.socket.destroy();
      return;
    }
    this.flush();
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), graceMs);
    this.closeTimer.unref();
  }

  private flush(): void {
    const count = this.outbox.length;
    if (count === 0 || this.socket.destroyed) return;
    const batch = this.outbox;
    const bytes = this.outboxBytes;
    const arenaFrames = this.outboxArenaFrames;
    this.outbox = [];
    this.outboxBytes = 0;
    this.outboxArenaFrames = 0;
    // Arena frames go back once the socket is done with them: when the last write of the batch
    // completes (writes complete in order; with an error too), or at once when they were copied.
    const done = arenaFrames === 0 ? undefined : () => releaseArenaFrames(batch);
    if (count === 1) {
      this.socket.write(batch[0], done);
    } else if (bytes <= COALESCE_WRITE_BYTES && bytes < count * WRITEV_MIN_AVERAGE_BYTES) {
      this.socket.write(Buffer.concat(batch, bytes));
      done?.();
    } else {
      this.socket.cork();
      const last = count - 1;
      for (let i = 0; i < last; i++) this.socket.write(batch[i]);
      this.socket.write(batch[last], done);
      this.socket.uncork();
    }
    this.reportWritable();
    if (this.pauseReading && !this.pausedForBackpressure && this.socket.writableLength >= this.maxWriteBufferBytes) {
      this.pauseForBackpressure();
    } else if (this.pausedForBackpressure && this.socket.writableLength < this.maxWriteBufferBytes) {
      // The kernel took it all at once: no 'drain' will come, so resume from here.
      setImmediate(() => this.onDrain());
    }
  }

  /**
   * Stops starting work: frames read from now on wait in the backlog. The socket keeps being
   * read (so CANCEL and PING get through) until the backlog holds BACKLOG_MAX_BYTES.
   */
  private pauseForBackpressure(): void {
    this.pausedForBackpressure = true;
  }

  private onDrain(): void {
    this.reportWritable();
    if (!this.pausedForBackpressure || this.writableBytes >= this.maxWriteBufferBytes) return;
    this.pausedForBackpressure = false;
    // Frames read before the pause run first, in order; one that fills the buffer again pauses anew.
    while (!this.backlog.isEmpty && !this.pausedForBackpressure && !this.closed) this.dispatchNow(this.backlog.shift() as Frame);
    if (this.socketPaused && !this.backlog.isFull) {
      this.socketPaused = false;
      this.socket.resume();
    }
  }

  /** Keeps the server-wide write budget in step with what this connection holds (approximate between flushes). */
  private reportWritable(): void {
    const budget = this.options.writeBudget;
    if (budget === undefined) return;
    const now = this.closed ? 0 : this.writableBytes;
    budget.add(now - this.writeBudgeted); // accounted, never refused here: callers check canWrite first
    this.writeBudgeted = now;
  }

  /** Bytes held for the frame being received and the memory that costs (tests, metrics). */
  get pendingFrameBytes(): number {
    return this.decoder.bufferedBytes;
  }

  get pendingFrameHeldBytes(): number {
    return this.decoder.heldBytes;
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    this.lastHeardAt = now;
    this.pinged = false;
    const before = this.framesDispatched;
    const error = this.decoder.feed(chunk, (frame) => this.dispatch(frame));
    if (error !== undefined) return this.fail(error);
    const budget = this.options.pendingFrameBudget;
    if (budget !== undefined && this.budgeted !== this.decoder.heldBytes) {
      const held = this.decoder.heldBytes;
      if (!budget.tryUpdate(this.budgeted, held)) return this.fail(new PendingFramesLimitError(budget.used - this.budgeted + held, budget.limit));
      this.budgeted = held;
    }
    this.deadlines.onRead(now, this.decoder.bufferedBytes, this.framesDispatched !== before);
  }

  private dispatch(frame: Frame): void {
    if (this.closed) return;
    this.framesDispatched++;
    if (!this.peerHeard) {
      this.peerHeard = true;
      this.handler.onPeerHeard?.(this, frame);
    }
    // Server side, with the write buffer full: stop starting work (and reading) until it drains.
    // PING/PONG and CANCEL still go through: they free resources or cost a few bytes.
    if (this.pauseReading && frame.type !== MessageType.Ping && frame.type !== MessageType.Pong && frame.type !== MessageType.Cancel) {
      const full = this.writableBytes >= this.maxWriteBufferBytes;
      if (full || !this.backlog.isEmpty) {
        // Read into the shared buffer, its body is overwritten by the next read: keep a copy.
        this.backlog.push(this.options.reads === undefined ? frame : ownedFrame(frame));
        this.pauseForBackpressure();
        // Queued behind earlier frames while there is room: no 'drain' may come, so go on from here.
        if (!full) setImmediate(() => this.onDrain());
        if (!this.socketPaused && this.backlog.isFull) {
          this.socketPaused = true;
          this.socket.pause();
        }
        return;
      }
    }
    if (frame.type === MessageType.Cancel && !this.backlog.isEmpty && this.backlog.dropRequest(frame.seq)) return;
    this.dispatchNow(frame);
  }

  private dispatchNow(frame: Frame): void {
    switch (frame.type) {
      case MessageType.Ping:
        // The owner may withhold the answer (a server authenticating the client answers its handshake PING itself).
        if (this.handler.onPing !== undefined && !this.handler.onPing(frame, this)) return;
        // Not while the buffer is full: a peer that floods PINGs and never reads must not grow it.
        if (this.writableBytes < this.maxWriteBufferBytes) this.send({ type: MessageType.Pong, seq: frame.seq });
        return;
      case MessageType.Pong:
        this.handler.onPong?.(frame, this);
        return;
      default:
        this.active = true;
        try {
          this.handler.onFrame(frame, this);
        } catch (err) {
          // A bug in one call's handling must not take down every other call on the connection.
          logger.error(`Handling a ${MessageType[frame.type]} frame (seq ${frame.seq}) from ${this.label} failed: ${(err as Error)?.stack ?? String(err)}`);
        }
    }
  }

  private onEnd(): void {
    // The peer half-closed: it will send nothing more. Finish our side too.
    if (!this.closing) {
      this.closeError ??= new ConnectionClosedError(`${this.label} closed the connection`);
      this.closing = true;
      this.stopTimer();
      this.flush();
      this.socket.end();
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closeError ??= error;
    this.closing = true;
    this.stopTimer();
    this.socket.destroy();
  }

  private onSocketClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.stopTimer();
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    // Never written: their arena memory can be reused.
    if (this.outboxArenaFrames > 0) releaseArenaFrames(this.outbox);
    this.outbox = [];
    this.outboxBytes = 0;
    this.outboxArenaFrames = 0;
    this.backlog.clear();
    this.reportWritable();
    this.options.pendingFrameBudget?.release(this.budgeted);
    this.budgeted = 0;
    this.handler.onClose(this.closeError, this);
  }

  private startTimer(): void {
    const heartbeat = this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const idle = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const frame = this.options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
    const handshake = this.options.handshakeTimeoutMs ?? 0;
    const stall = this.options.writeStallTimeoutMs ?? 0;
    if (heartbeat <= 0 && idle <= 0 && frame <= 0 && handshake <= 0 && stall <= 0) return;
    // One timer for every check; with heartbeats on, the others are checked at heartbeat
    // resolution (half an interval), otherwise at a quarter of the shortest of them.
    const others = [idle, frame, handshake, stall].filter((ms) => ms > 0);
    const period = heartbeat > 0 ? Math.max(1, Math.floor(heartbeat / 2)) : Math.max(1, Math.floor(Math.min(...others) / 4));
    const missed = Math.max(1, this.options.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS);
    this.timer = setInterval(() => this.tick(heartbeat, heartbeat * missed, idle), period);
    this.timer.unref();
  }

  private tick(heartbeatMs: number, deadAfterMs: number, idleMs: number): void {
    const now = Date.now();
    const exceeded = this.deadlines.check(now, this.peerHeard, this.writableBytes);
    if (exceeded !== undefined) {
      this.fail(exceeded);
      return;
    }
    if (heartbeatMs > 0) {
      const silentMs = now - this.lastHeardAt;
      if (silentMs >= deadAfterMs) {
        this.fail(new HeartbeatTimeoutError(silentMs));
        return;
      }
      // One PING per silence: any byte back (PONG or otherwise) re-arms it. The death check is
      // then armed for the exact moment, not the next tick: detection lags by timer jitter only.
      if (silentMs >= heartbeatMs && !this.pinged) {
        this.pinged = true;
        this.send({ type: MessageType.Ping });
        clearTimeout(this.deathTimer);
        this.deathTimer = setTimeout(() => this.checkDeath(deadAfterMs), deadAfterMs - silentMs);
        this.deathTimer.unref();
      }
    }
    if (idleMs > 0) {
      if (this.active || this.handler.isBusy?.(this) === true) {
        this.active = false;
        this.idleSince = now;
      } else if (now - this.idleSince >= idleMs) {
        this.idleClosed = true;
        this.close();
      }
    }
  }

  private checkDeath(deadAfterMs: number): void {
    this.deathTimer = undefined;
    const silentMs = Date.now() - this.lastHeardAt;
    if (this.isOpen && silentMs >= deadAfterMs) this.fail(new HeartbeatTimeoutError(silentMs));
  }

  private stopTimer(): void {
    clearTimeout(this.deathTimer);
    this.deathTimer = undefined;
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

function releaseArenaFrames(frames: readonly Buffer[]): void {
  for (const frame of frames) frameArena.release(frame);
}
