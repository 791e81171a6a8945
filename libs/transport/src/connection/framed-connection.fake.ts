import { Frame, OutgoingFrame } from '../protocol/frame';
import { encodeFrame } from '../protocol/frame-encoder';
import { FrameDecoder } from '../protocol/frame-decoder';
import { MessageType } from '../protocol/message-type';
import { ConnectionHandler } from './connection-handler';
import { FramedConnection } from './framed-connection';

/**
 * A FramedConnection stand-in for unit tests of what sits on top of one (ServerConnection,
 * ClientConnection): records every frame written, decoded back, and lets the test play the peer.
 * Test-only (`*.fake.ts` is left out of the build).
 */
export class FakeFramedConnection {
  readonly label = 'peer:1';
  readonly maxWriteBytes = 1024;
  readonly frames: Frame[] = [];
  readonly socket = { destroyed: false, once: (_event: string, listener: () => void) => (this.onSocketClose = listener) };
  isOpen = true;
  canWrite = true;
  writableBytes = 0;
  private readonly decoder = new FrameDecoder({});
  private onSocketClose: (() => void) | undefined;
  handler!: ConnectionHandler;

  /** The factory ServerConnection / ClientConnection take. */
  static factory(into: { fake?: FakeFramedConnection }): (handler: ConnectionHandler) => FramedConnection {
    return (handler) => {
      const fake = new FakeFramedConnection();
      fake.handler = handler;
      into.fake = fake;
      return fake as unknown as FramedConnection;
    };
  }

  send(frame: OutgoingFrame): void {
    this.write(encodeFrame(frame));
  }

  write(bytes: Buffer): void {
    // Copy: decoded bodies are views into the fed bytes.
    const error = this.decoder.feed(Buffer.from(bytes), (frame) => this.frames.push({ ...frame, body: frame.body && Buffer.from(frame.body) }));
    if (error !== undefined) throw error;
  }

  close(): void {
    this.peerClosed(undefined);
  }

  /** Plays the peer: delivers a frame to the handler as the real connection would. */
  receive(frame: OutgoingFrame): void {
    const bytes = encodeFrame(frame);
    new FrameDecoder({}).feed(bytes, (decoded) => {
      const self = this as unknown as FramedConnection;
      this.handler.onPeerHeard?.(self, decoded);
      // Like the real connection, heartbeats never reach onFrame.
      if (decoded.type === MessageType.Pong) this.handler.onPong?.(decoded, self);
      else if (decoded.type !== MessageType.Ping) this.handler.onFrame(decoded, self);
    });
  }

  /** The socket went away. */
  peerClosed(error: Error | undefined): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.socket.destroyed = true;
    this.handler.onClose(error, this as unknown as FramedConnection);
    this.onSocketClose?.();
  }

  body(frame: Frame): unknown {
    return frame.body === undefined ? undefined : JSON.parse(frame.body.toString('utf8'));
  }
}
