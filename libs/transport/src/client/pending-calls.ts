import { WritePacket } from '@nestjs/microservices';

export interface PendingCall {
  readonly seq: number;
  readonly pattern: string;
  readonly callback: (packet: WritePacket) => void;
  readonly timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Calls waiting for answers on one connection, keyed by sequence id. Sequence ids are u32,
 * skip 0 (reserved for frames that answer nothing) and wrap around, skipping ids still in use.
 */
export class PendingCalls {
  private readonly calls = new Map<number, PendingCall>();
  private lastSeq = 0;

  get size(): number {
    return this.calls.size;
  }

  nextSeq(): number {
    do {
      this.lastSeq = this.lastSeq === 0xffffffff ? 1 : this.lastSeq + 1;
    } while (this.calls.has(this.lastSeq));
    return this.lastSeq;
  }

  add(call: PendingCall): void {
    this.calls.set(call.seq, call);
  }

  get(seq: number): PendingCall | undefined {
    return this.calls.get(seq);
  }

  /** Removes the call and clears its timer. Returns it if it was still pending. */
  take(seq: number): PendingCall | undefined {
    const call = this.calls.get(seq);
    if (call === undefined) return undefined;
    this.calls.delete(seq);
    if (call.timer !== undefined) clearTimeout(call.timer);
    return call;
  }

  /** Fails every pending call at once (e.g. when the connection drops), each with `errorFor(call)`. */
  failAll(errorFor: (call: PendingCall) => unknown): void {
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) {
      if (call.timer !== undefined) clearTimeout(call.timer);
      call.callback({ err: errorFor(call), isDisposed: true });
    }
  }
}
