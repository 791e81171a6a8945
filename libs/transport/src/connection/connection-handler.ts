import { Frame } from '../protocol/frame';
import type { FramedConnection } from './framed-connection';

/** What a FramedConnection reports to its owner (ServerConnection on the server, ClientConnection on the client). */
export interface ConnectionHandler {
  /** Every frame except heartbeats, which the connection answers itself. */
  onFrame(frame: Frame, connection: FramedConnection): void;
  /** Called once, when the socket is gone. `error` is undefined for an orderly close. */
  onClose(error: Error | undefined, connection: FramedConnection): void;
  /** True while calls are in flight, so the idle timer leaves the connection alone. */
  isBusy?(connection: FramedConnection): boolean;
  /** Called once, when the first whole frame (of any type, heartbeats included) arrives: the peer speaks the protocol. */
  onPeerHeard?(connection: FramedConnection, frame: Frame): void;
  /** A PING arrived; return false to leave it unanswered (the owner answers later, or never). Default: answered with PONG. */
  onPing?(frame: Frame, connection: FramedConnection): boolean;
  /** A PONG arrived (after the connection noted it as life). */
  onPong?(frame: Frame, connection: FramedConnection): void;
}
