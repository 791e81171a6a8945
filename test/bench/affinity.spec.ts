import { ChildProcess, execFileSync, spawn } from 'child_process';
import { AffinityPins, parseCpuList, parseMasks, pinningUnavailable, taskset } from '../../bench/lib/affinity';

const PIN = { serverCpu: 0, clientCpu: 1 };

function maskOf(pid: number): string {
  return parseMasks(execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' }))[0].mask;
}

describe('bench CPU pinning', () => {
  it('parses taskset output: CPU lists and one mask per thread', () => {
    expect([...parseCpuList(' 0-2,5\n')]).toEqual([0, 1, 2, 5]);
    expect(parseMasks("pid 10's current affinity mask: 3\npid 11's current affinity mask: ff\n")).toEqual([
      { tid: 10, mask: '3' },
      { tid: 11, mask: 'ff' },
    ]);
  });

  it('reports the pinned cell n/a, with why, when taskset is missing or fewer than 2 CPUs are allowed', () => {
    const missing = (): string => {
      throw Object.assign(new Error('spawn taskset ENOENT'), { code: 'ENOENT' });
    };
    expect(pinningUnavailable(PIN, missing)).toBe('taskset unavailable (not installed): cannot pin server and client to separate cores');
    expect(pinningUnavailable(PIN, () => "pid 1's current affinity list: 0\n")).toMatch(/only 1 CPU available/);
    expect(pinningUnavailable(PIN, () => "pid 1's current affinity list: 1-3\n")).toMatch(/CPU 0 not in this process's affinity list/);
    expect(pinningUnavailable(PIN, () => "pid 1's current affinity list: 0,1\n")).toBeUndefined();
  });

  it('reads the masks before pinning every thread, and restores them afterwards', () => {
    const calls: string[][] = [];
    const fake = (args: string[]): string => {
      calls.push(args);
      return args.length === 3 ? `pid ${args[2]}'s current affinity mask: 3\npid 77's current affinity mask: 3\n` : '';
    };
    const pins = new AffinityPins(fake);
    pins.pin(42, 1);
    expect(pins.active).toBe(true);
    pins.restore();
    expect(pins.active).toBe(false);
    pins.restore();
    expect(calls).toEqual([
      ['-a', '-p', '42'],
      ['-a', '-p', '-c', '1', '42'],
      ['-a', '-p', '3', '42'],
    ]);
  });

  it('restores each thread to its own mask when they differed', () => {
    const calls: string[][] = [];
    const pins = new AffinityPins((args) => {
      calls.push(args);
      return args.length === 3 ? "pid 5's current affinity mask: 3\npid 6's current affinity mask: 1\n" : '';
    });
    pins.pin(5, 0);
    pins.restore();
    expect(calls.slice(2)).toEqual([
      ['-p', '3', '5'],
      ['-p', '1', '6'],
    ]);
  });

  describe('on this machine', () => {
    const unavailable = pinningUnavailable(PIN);
    let child: ChildProcess | undefined;

    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
    });

    it('pins a real process to one CPU and gives it its previous affinity back', () => {
      if (unavailable !== undefined) {
        // The harness reports the pinned cell n/a here; the reason must say why.
        expect(unavailable).toMatch(/taskset|CPU/);
        return;
      }
      child = spawn('sleep', ['30'], { stdio: 'ignore' });
      const pid = child.pid!;
      const before = maskOf(pid);
      const pins = new AffinityPins(taskset);
      pins.pin(pid, 1);
      expect(maskOf(pid)).toBe('2');
      pins.restore();
      expect(maskOf(pid)).toBe(before);
    });
  });
});
