import { WritePacket } from '@nestjs/microservices';
import { Deadline, DeadlineQueue } from '../connection/deadline-queue';
import { SeqMap } from '../connection/seq-map';

export interface PendingCall {
  readonly seq: number;
  readonly pattern: string;
  /** The caller's; replaced by a no-op once the call settles (`settle`). */
  callback: (packet: WritePacket) => void;
  readonly timeoutMs: number;
  /** Its entry in the connection's deadline queue, while it has one. */
  deadline?: Deadline<PendingCall>;
}

const SETTLED = (): void => undefined;

/**
 * Hands a call its last packet and lets go of the caller first: the record then holds nothing
 * of the caller's (its callback, and through it the promise or subscriber holding the answer).
 * A settled record stays reachable from the old generation until the next full collection: the
 * calls Map's earlier backing tables, left behind as it rehashes while calls come and go, still
 * point at the records they held. Old-space references are roots for young-generation
 * collections, so a record still holding its callback kept the answer alive through them: every
 * such answer was promoted and needed a full collection (bench/tools/settled-call-cost.ts,
 * docs/decisions.md).
 */
export function settle(call: PendingCall, packet: WritePacket): void {
  const callback = call.callback;
  call.callback = SETTLED;
  callback(packet);
}

/**
 * Calls waiting for answers on one connection, keyed by sequence id. Sequence ids are u32,
 * skip 0 (reserved for frames that answer nothing) and wrap around, skipping ids still in use.
 */
export class PendingCalls {
  /** Not a Map: its stale tables would keep every settled record reachable until a full collection (seq-map.ts). */
  private readonly calls = new SeqMap<PendingCall>();
  private lastSeq = 0;
  /** Every call's deadline under one timer (a setTimeout per call cost 98–153 ns armed and cleared, by calls in flight; bench/results/2026-12-01-deadline-cost.json). */
  private readonly deadlines: DeadlineQueue<PendingCall>;

  /** `onTimeout` gets a call whose deadline passed while it was pending (it is still pending then: take() it). */
  constructor(onTimeout: (call: PendingCall) => void = () => undefined) {
    // One call at a time would otherwise arm and clear the timer per call; an idle armed timer is unref()'d and fires once for nothing.
    this.deadlines = new DeadlineQueue(onTimeout, { clearTimerWhenEmpty: false });
  }

  get size(): number {
    return this.calls.size;
  }

  nextSeq(): number {
    do {
      this.lastSeq = this.lastSeq === 0xffffffff ? 1 : this.lastSeq + 1;
    } while (this.calls.has(this.lastSeq));
    return this.lastSeq;
  }

  /** Adds the call; with `timeoutMs` > 0, `onTimeout` gets it unless it is taken within that many ms. */
  add(call: PendingCall, timeoutMs = 0): void {
    this.calls.add(call);
    if (timeoutMs > 0) call.deadline = this.deadlines.add(call, timeoutMs);
  }

  /** Deadlines armed (for tests: they follow the calls pending, never the calls made). */
  get deadlineCount(): number {
    return this.deadlines.size;
  }

  get(seq: number): PendingCall | undefined {
    return this.calls.get(seq);
  }

  /** Removes the call and its deadline. Returns it if it was still pending. */
  take(seq: number): PendingCall | undefined {
    const call = this.calls.delete(seq);
    if (call === undefined) return undefined;
    if (call.deadline !== undefined) this.deadlines.remove(call.deadline);
    return call;
  }

  /** Fails every pending call at once (e.g. when the connection drops), each with `errorFor(call)`. */
  failAll(errorFor: (call: PendingCall) => unknown): void {
    const calls = this.calls.values();
    this.calls.clear();
    // Also clears the deadline timer: nothing is left to guard.
    this.deadlines.clear();
    for (const call of calls) settle(call, { err: errorFor(call), isDisposed: true });
  }
}
