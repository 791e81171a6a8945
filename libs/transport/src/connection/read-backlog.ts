import { HEADER_BYTES } from '../protocol/constants';
import { Frame } from '../protocol/frame';
import { MessageType } from '../protocol/message-type';
import { BACKLOG_MAX_BYTES } from './constants';

/**
 * Frames read while the connection's write buffer is full, not yet handed to the handler (server
 * side). Reading goes on, so CANCEL and PING get through, until it holds BACKLOG_MAX_BYTES; then
 * the socket is paused.
 */
export class ReadBacklog {
  private frames: Frame[] = [];
  private bytes = 0;

  get isEmpty(): boolean {
    return this.frames.length === 0;
  }

  /** Holding BACKLOG_MAX_BYTES or more: stop reading the socket. */
  get isFull(): boolean {
    return this.bytes >= BACKLOG_MAX_BYTES;
  }

  push(frame: Frame): void {
    this.frames.push(frame);
    this.bytes += frameBytes(frame);
  }

  shift(): Frame | undefined {
    const frame = this.frames.shift();
    if (frame !== undefined) this.bytes -= frameBytes(frame);
    return frame;
  }

  /** A call not started yet is cancelled by never starting it: true when the request was here. */
  dropRequest(seq: number): boolean {
    const index = this.frames.findIndex((f) => f.type === MessageType.Request && f.seq === seq);
    if (index < 0) return false;
    this.bytes -= frameBytes(this.frames[index]);
    this.frames.splice(index, 1);
    return true;
  }

  clear(): void {
    this.frames = [];
    this.bytes = 0;
  }
}

/** Approximate bytes a decoded frame keeps alive (its body; metadata is small). */
function frameBytes(frame: Frame): number {
  return HEADER_BYTES + (frame.body?.length ?? 0);
}

/** The frame with a body of its own: for a frame read into memory the next read overwrites. */
export function ownedFrame(frame: Frame): Frame {
  return frame.body === undefined ? frame : { ...frame, body: Buffer.from(frame.body) };
}
