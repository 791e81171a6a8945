import { median } from './aggregate';

/**
 * Reading one call's critical path out of a system-call trace (`perf record -e
 * raw_syscalls:sys_enter,raw_syscalls:sys_exit`, printed by `perf script -F tid,time,event,trace`).
 *
 * With one call in flight each end of a connection does, per call: wake up (epoll returns), read
 * the socket, run its own code, write the socket, run its own code again, and sleep (a blocking
 * epoll). The time from the read returning to the write starting is what that end's code adds to
 * the round trip; what it runs after the write overlaps the peer's work. A median over thousands
 * of calls of a timestamp difference does not depend on a sampling rate, and it is not spread
 * over the whole process as a CPU profile is: it says on which side of the write the time goes.
 *
 * x86-64 system call numbers: the tool refuses other architectures.
 */
export const SYSCALL = { read: 0, write: 1, writev: 20, epollWait: 232, epollPwait: 281 } as const;
/** The `perf record --filter` for the calls above (everything else would only grow the trace). */
export const SYSCALL_FILTER = Object.values(SYSCALL).map((nr) => `id == ${nr}`).join(' || ');

export interface SyscallEvent {
  tid: number;
  /** Seconds, perf's clock. */
  time: number;
  kind: 'enter' | 'exit';
  nr: number;
  /** enter: the arguments as perf prints them (hex, no 0x). */
  args?: string[];
  /** exit: the return value. */
  ret?: number;
}

const LINE = /^\s*(\d+)\s+(\d+\.\d+):\s+raw_syscalls:sys_(enter|exit):\s+NR (\d+) (?:\(([^)]*)\)|= (-?\d+))/;

/** One line of `perf script -F tid,time,event,trace`; undefined for anything else. */
export function parseTraceLine(line: string): SyscallEvent | undefined {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const [, tid, time, kind, nr, args, ret] = match;
  const event: SyscallEvent = { tid: Number(tid), time: Number(time), kind: kind as 'enter' | 'exit', nr: Number(nr) };
  if (args !== undefined) event.args = args.split(',').map((a) => a.trim());
  if (ret !== undefined) event.ret = Number(ret);
  return event;
}

/** Per call, in µs: medians over the calls of the window. */
export interface CallPath {
  /** Calls seen in the window (reads answered by a write). */
  calls: number;
  /** The socket read returning → the answer's write starting: this end's code on the critical path. */
  readToWriteUs: number;
  /** The write system call itself (the kernel's loopback send and the peer's wake-up). */
  writeUs: number;
  /** The write returning → the blocking wait: this end's code after it has answered. */
  writeToSleepUs: number;
  /** Blocked in epoll: waiting for the peer. */
  asleepUs: number;
  /** epoll returning → the socket read starting (the event loop's own dispatch). */
  wakeToReadUs: number;
}

/**
 * The call path of one thread (a process's main thread: tid = pid) from its events in time
 * order. The socket is the descriptor written to most. Only events from `from` to `to` (s) count.
 * undefined when the thread wrote nothing there.
 */
export function callPathOf(events: readonly SyscallEvent[], from = -Infinity, to = Infinity): CallPath | undefined {
  const socket = busiestWrittenFd(events);
  if (socket === undefined) return undefined;
  const readToWrite: number[] = [];
  const write: number[] = [];
  const writeToSleep: number[] = [];
  const asleep: number[] = [];
  const wakeToRead: number[] = [];
  let open: SyscallEvent | undefined; // the call entered and not yet returned (one at a time per thread)
  let readAt: number | undefined;
  let wroteAt: number | undefined;
  let wokeAt: number | undefined;
  for (const event of events) {
    if (event.time < from || event.time > to) continue;
    if (event.kind === 'enter') {
      open = event;
      const fd = event.args?.[0];
      if (isRead(event.nr) && fd === socket && wokeAt !== undefined) {
        wakeToRead.push(event.time - wokeAt);
        wokeAt = undefined;
      } else if (isWrite(event.nr) && fd === socket && readAt !== undefined) {
        readToWrite.push(event.time - readAt);
        readAt = undefined;
      } else if (isBlockingWait(event) && wroteAt !== undefined) {
        writeToSleep.push(event.time - wroteAt);
        wroteAt = undefined;
      }
      continue;
    }
    const entered = open !== undefined && open.nr === event.nr ? open : undefined;
    open = undefined;
    if (entered === undefined) continue;
    const fd = entered.args?.[0];
    if (isRead(event.nr) && fd === socket && (event.ret ?? 0) > 0) readAt = event.time;
    else if (isWrite(event.nr) && fd === socket) {
      write.push(event.time - entered.time);
      wroteAt = event.time;
    } else if (isBlockingWait(entered)) {
      asleep.push(event.time - entered.time);
      wokeAt = event.time;
    }
  }
  if (write.length === 0) return undefined;
  const us = (values: number[]): number => (values.length === 0 ? 0 : Math.round(median(values) * 1e7) / 10);
  return { calls: readToWrite.length, readToWriteUs: us(readToWrite), writeUs: us(write), writeToSleepUs: us(writeToSleep), asleepUs: us(asleep), wakeToReadUs: us(wakeToRead) };
}

/** First and last write on the thread's socket (s): the span of its calls. */
export function writeSpan(events: readonly SyscallEvent[]): { first: number; last: number } | undefined {
  const socket = busiestWrittenFd(events);
  const writes = events.filter((e) => e.kind === 'enter' && isWrite(e.nr) && e.args?.[0] === socket);
  return writes.length === 0 ? undefined : { first: writes[0].time, last: writes[writes.length - 1].time };
}

function busiestWrittenFd(events: readonly SyscallEvent[]): string | undefined {
  const counts = new Map<string, number>();
  for (const e of events) if (e.kind === 'enter' && isWrite(e.nr) && e.args?.[0] !== undefined) counts.set(e.args[0], (counts.get(e.args[0]) ?? 0) + 1);
  let best: string | undefined;
  for (const [fd, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = fd;
  return best;
}

function isRead(nr: number): boolean {
  return nr === SYSCALL.read;
}

function isWrite(nr: number): boolean {
  return nr === SYSCALL.write || nr === SYSCALL.writev;
}

/** epoll_wait / epoll_pwait with a timeout other than 0: the loop going to sleep, not polling. */
function isBlockingWait(event: SyscallEvent): boolean {
  return (event.nr === SYSCALL.epollPwait || event.nr === SYSCALL.epollWait) && event.args?.[3] !== undefined && Number.parseInt(event.args[3], 16) !== 0;
}
