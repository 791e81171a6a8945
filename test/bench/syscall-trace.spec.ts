import { callPathOf, parseTraceLine, SyscallEvent, SYSCALL_FILTER, writeSpan } from '../../bench/lib/syscall-trace';

/**
 * perf script -F tid,time,event,trace lines, as perf prints them, for one call starting at `t` (s):
 * asleep, woken, read, write, a poll (timeout 0), and asleep again.
 */
function call(t: number, { readToWrite = 30e-6, write = 25e-6, afterWrite = 12e-6, asleep = 90e-6, wakeToRead = 4e-6 } = {}): string[] {
  let now = t;
  const lines: string[] = [];
  const push = (dt: number, text: string): void => {
    now += dt;
    lines.push(` 4096   ${now.toFixed(6)}: raw_syscalls:${text}`);
  };
  const sleep = 'sys_enter: NR 281 (c, 7ffe23f16830, 400, ffffffff, 0, 8)';
  push(0, sleep);
  push(asleep, 'sys_exit: NR 281 = 1');
  push(wakeToRead, 'sys_enter: NR 0 (d, 7fd0f2600000, 10000, 0, 0, 0)');
  push(3e-6, 'sys_exit: NR 0 = 112');
  push(readToWrite, 'sys_enter: NR 1 (d, 7fd0f2700000, 70, 0, 0, 0)');
  push(write, 'sys_exit: NR 1 = 112');
  push(afterWrite, 'sys_enter: NR 281 (c, 7ffe23f16830, 400, 0, 0, 8)'); // a poll: timeout 0, not a sleep
  push(1e-6, 'sys_exit: NR 281 = 0');
  push(1e-6, sleep);
  return lines;
}

function events(lines: string[]): SyscallEvent[] {
  return lines.map(parseTraceLine).filter((e): e is SyscallEvent => e !== undefined);
}

describe('system-call trace: one call in flight', () => {
  it('reads perf script lines, and nothing else', () => {
    expect(parseTraceLine(' 5833   616.767812: raw_syscalls:sys_enter: NR 21 (7ffe23f16c48, 0, 7ffe23f16c48, cd, 0, 0)')).toEqual({ tid: 5833, time: 616.767812, kind: 'enter', nr: 21, args: ['7ffe23f16c48', '0', '7ffe23f16c48', 'cd', '0', '0'] });
    expect(parseTraceLine(' 5833   616.767810:  raw_syscalls:sys_exit: NR 21 = -2')).toEqual({ tid: 5833, time: 616.767810, kind: 'exit', nr: 21, ret: -2 });
    expect(parseTraceLine(' 5833   616.767263: sched:sched_wakeup: comm=node pid=5852 prio=120')).toBeUndefined();
    expect(SYSCALL_FILTER).toBe('id == 0 || id == 1 || id == 20 || id == 232 || id == 281');
  });

  it('splits each call at the write: read → write, the write, write → sleep, asleep, wake → read', () => {
    const lines = [1, 2, 3, 4, 5].flatMap((i) => call(100 + i * 0.001, { readToWrite: (20 + i) * 1e-6 }));
    const path = callPathOf(events(lines));
    expect(path).toEqual({ calls: 5, readToWriteUs: 23, writeUs: 25, writeToSleepUs: 14, asleepUs: 90, wakeToReadUs: 4 });
  });

  it('counts only the socket written to most, reads that returned bytes, and waits that can sleep', () => {
    const noise = [
      // Another descriptor written once (a log line), a read that found nothing, a poll between read and write.
      ' 4096   200.000001: raw_syscalls:sys_enter: NR 1 (2, 7fd0f2700000, 20, 0, 0, 0)',
      ' 4096   200.000002: raw_syscalls:sys_exit: NR 1 = 32',
      ' 4096   200.000003: raw_syscalls:sys_enter: NR 0 (d, 7fd0f2600000, 10000, 0, 0, 0)',
      ' 4096   200.000004: raw_syscalls:sys_exit: NR 0 = -11',
    ];
    const lines = [...call(100), ...call(100.001), ...noise, ...call(200.001)];
    const path = callPathOf(events(lines));
    expect(path?.calls).toBe(3);
    expect(path?.readToWriteUs).toBe(30);
    expect(path?.writeToSleepUs).toBe(14);
  });

  it('keeps to the window it is given, and finds the span of the writes', () => {
    const lines = [...call(100, { readToWrite: 500e-6 }), ...call(101), ...call(102), ...call(103, { readToWrite: 500e-6 })];
    const all = events(lines);
    const span = writeSpan(all)!;
    expect(span.first).toBeCloseTo(100.000597, 6);
    expect(span.last).toBeCloseTo(103.000597, 6);
    expect(callPathOf(all, 100.5, 102.5)).toMatchObject({ calls: 2, readToWriteUs: 30 });
    expect(callPathOf(all, 104, 105)).toBeUndefined();
    expect(callPathOf([])).toBeUndefined();
  });
});
