/** setTimeout's longest delay: a longer one fires after 1 ms (with a warning) instead. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** One FIFO of deadlines sharing a timeout: added in time order, so they also expire in order. */
interface Lane<T> {
  readonly timeoutMs: number;
  head: Deadline<T> | undefined;
  tail: Deadline<T> | undefined;
}

export interface DeadlineQueueOptions {
  /**
   * Clear the timer as soon as nothing is pending (default true: no timer outlives the calls it
   * guards). false keeps it armed until it fires once for nothing (it is unref()'d, and
   * `clear()` still clears it): with one call at a time that saves arming a timer per call.
   */
  clearTimerWhenEmpty?: boolean;
  /** Monotonic ms; default the global `performance.now()` (not perf_hooks', so fake timers in tests move it too). */
  now?: () => number;
}

/** A pending deadline; pass it to `remove()` when its call settles first. */
export interface Deadline<T> {
  readonly item: T;
  readonly timeoutMs: number;
  /** Monotonic ms (performance.now()) at which it expires. */
  readonly at: number;
  /** undefined once removed or expired. */
  lane: Lane<T> | undefined;
  prev: Deadline<T> | undefined;
  next: Deadline<T> | undefined;
}

/**
 * Per-call deadlines of one connection under ONE timer, instead of a setTimeout armed and
 * cleared per call. Calls are grouped by timeout value; within a group deadlines arrive in
 * increasing order, so each group is a FIFO (doubly linked: removal on settle is O(1) and frees
 * the entry at once, so memory follows the calls in flight, never the calls made). The timer is
 * armed for the earliest head and only re-armed when a new deadline is earlier than it; when it
 * fires, due heads expire (never before their deadline) and it is armed for the next one. By
 * default it is cleared when nothing is pending (see `clearTimerWhenEmpty`).
 * Insert and remove are O(1); a sweep is O(distinct timeouts in flight), typically one or two.
 * The timer is unref()'d (it only guards calls) and cleared by `clear()`.
 */
export class DeadlineQueue<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  private timer: NodeJS.Timeout | undefined;
  private lastLane: Lane<T> | undefined;
  /** When the armed timer fires (monotonic ms). */
  private armedAt = Infinity;
  private count = 0;

  private readonly now: () => number;
  private readonly clearTimerWhenEmpty: boolean;

  constructor(
    /** Called once per deadline that passes before `remove()`; `timeoutMs` is the one it was added with. */
    private readonly onExpire: (item: T, timeoutMs: number) => void,
    options: DeadlineQueueOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.clearTimerWhenEmpty = options.clearTimerWhenEmpty ?? true;
  }

  /** Deadlines pending (added, neither removed nor expired). */
  get size(): number {
    return this.count;
  }

  add(item: T, timeoutMs: number): Deadline<T> {
    // Most calls of a connection share one timeout: the lane of the last one, without a Map lookup.
    let lane = this.lastLane;
    if (lane === undefined || lane.timeoutMs !== timeoutMs || (lane.head === undefined && this.lanes.get(timeoutMs) !== lane)) {
      lane = this.laneOf(timeoutMs);
      this.lastLane = lane;
    }
    const now = this.now();
    const at = now + timeoutMs;
    const deadline: Deadline<T> = { item, timeoutMs, at, lane, prev: lane.tail, next: undefined };
    if (lane.tail === undefined) lane.head = deadline;
    else lane.tail.next = deadline;
    lane.tail = deadline;
    this.count++;
    if (at < this.armedAt) this.arm(at, now);
    return deadline;
  }

  /** The call settled: forget its deadline (no-op if it already expired or was removed). */
  remove(deadline: Deadline<T>): void {
    const lane = deadline.lane;
    if (lane === undefined) return;
    this.unlink(lane, deadline);
    // With calls still pending the timer stays armed (when it fires for a settled head it re-arms for the next):
    // moving it here would cost a timer per call again. Once nothing is pending it goes, leaving no timer behind.
    if (this.count === 0 && this.clearTimerWhenEmpty) this.disarm();
  }

  private laneOf(timeoutMs: number): Lane<T> {
    let lane = this.lanes.get(timeoutMs);
    if (lane === undefined) {
      lane = { timeoutMs, head: undefined, tail: undefined };
      this.lanes.set(timeoutMs, lane);
    }
    return lane;
  }

  /** Forgets every deadline and clears the timer (the connection closed). */
  clear(): void {
    for (const lane of this.lanes.values()) {
      for (let d = lane.head; d !== undefined; d = d.next) d.lane = undefined;
    }
    this.lanes.clear();
    this.lastLane = undefined;
    this.count = 0;
    this.disarm();
  }

  private unlink(lane: Lane<T>, deadline: Deadline<T>): void {
    const { prev, next } = deadline;
    if (prev === undefined) lane.head = next;
    else prev.next = next;
    if (next === undefined) lane.tail = prev;
    else next.prev = prev;
    deadline.lane = deadline.prev = deadline.next = undefined;
    this.count--;
    // An empty lane goes, so a stream of distinct timeouts cannot grow the map; the last one stays for the next call (one call at a time).
    if (lane.head === undefined && this.lanes.size > 1) this.lanes.delete(lane.timeoutMs);
  }

  private arm(at: number, now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    // A deadline beyond the longest delay is reached by re-arming when the timer fires early.
    this.timer = setTimeout(this.onTimer, Math.min(MAX_TIMER_DELAY_MS, Math.max(1, Math.ceil(at - now))));
    this.timer.unref();
  }

  private readonly onTimer = (): void => this.sweep();

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private sweep(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.now();
    try {
      // One at a time, unlinked before its callback: a callback may remove (then it never fires) or add deadlines.
      for (const lane of this.lanes.values()) {
        for (let head = lane.head; head !== undefined && head.at <= now; head = lane.head) {
          this.unlink(lane, head);
          this.onExpire(head.item, head.timeoutMs);
        }
      }
    } finally {
      this.armForEarliest();
    }
  }

  private armForEarliest(): void {
    let earliest = Infinity;
    for (const lane of this.lanes.values()) if (lane.head !== undefined && lane.head.at < earliest) earliest = lane.head.at;
    if (earliest < this.armedAt) this.arm(earliest, this.now());
  }
}
