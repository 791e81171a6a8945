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
  onPeerHeard?(connection: FramedConnection): void;
}
