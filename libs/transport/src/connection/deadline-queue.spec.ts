import { heldMemory } from '../../../../test/support/heap';
import { Deadline, DeadlineQueue } from './deadline-queue';

describe('DeadlineQueue', () => {
  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const queueOf = (expired: Array<[string, number]>) => new DeadlineQueue<string>((item, timeoutMs) => expired.push([item, timeoutMs]), { now: () => Date.now() });

    it('expires each deadline at its time, never earlier, in order across timeouts', () => {
      const expired: Array<[string, number]> = [];
      const queue = queueOf(expired);
      queue.add('a100', 100);
      queue.add('b300', 300);
      jest.advanceTimersByTime(50);
      queue.add('c100', 100); // due at 150
      queue.add('d20', 20); // due at 70: earlier than the armed timer, which must move
      jest.advanceTimersByTime(19);
      expect(expired).toEqual([]);
      jest.advanceTimersByTime(1); // t = 70
      expect(expired).toEqual([['d20', 20]]);
      jest.advanceTimersByTime(29); // t = 99
      expect(expired).toHaveLength(1);
      jest.advanceTimersByTime(1); // t = 100
      expect(expired.map(([item]) => item)).toEqual(['d20', 'a100']);
      jest.advanceTimersByTime(49);
      expect(expired).toHaveLength(2);
      jest.advanceTimersByTime(1); // t = 150
      expect(expired.map(([item]) => item)).toEqual(['d20', 'a100', 'c100']);
      jest.advanceTimersByTime(150); // t = 300
      expect(expired.map(([item]) => item)).toEqual(['d20', 'a100', 'c100', 'b300']);
      expect(queue.size).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('never expires a removed deadline, wherever it sits in its list', () => {
      const expired: Array<[string, number]> = [];
      const queue = queueOf(expired);
      const d: Record<string, Deadline<string>> = {};
      for (const name of ['a', 'b', 'c', 'd', 'e']) d[name] = queue.add(name, 100);
      queue.remove(d.a); // head
      queue.remove(d.c); // middle
      queue.remove(d.e); // tail
      queue.remove(d.c); // twice: no-op
      expect(queue.size).toBe(2);
      jest.advanceTimersByTime(100);
      expect(expired.map(([item]) => item)).toEqual(['b', 'd']);
      queue.remove(d.b); // after expiry: no-op
      expect(queue.size).toBe(0);
    });

    it('re-arms for the next head when the timer fires for a settled call', () => {
      const expired: Array<[string, number]> = [];
      const queue = queueOf(expired);
      const first = queue.add('first', 100);
      jest.advanceTimersByTime(60);
      queue.add('second', 100); // due at 160
      queue.remove(first); // the timer stays armed for 100
      jest.advanceTimersByTime(40);
      expect(expired).toEqual([]);
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(59);
      expect(expired).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(expired).toEqual([['second', 100]]);
    });

    it('lets an expiry callback remove and add deadlines', () => {
      const fired: string[] = [];
      const handles = new Map<string, Deadline<string>>();
      const queue: DeadlineQueue<string> = new DeadlineQueue<string>((item) => {
        fired.push(item);
        if (item === 'a') {
          queue.remove(handles.get('b') as Deadline<string>);
          queue.add('late', 10);
        }
      }, { now: () => Date.now() });
      handles.set('a', queue.add('a', 50));
      handles.set('b', queue.add('b', 50));
      jest.advanceTimersByTime(50);
      expect(fired).toEqual(['a']);
      jest.advanceTimersByTime(10);
      expect(fired).toEqual(['a', 'late']);
    });

    it('clears the timer once nothing is pending, unless told to keep it until it fires', () => {
      const cleared = queueOf([]);
      cleared.remove(cleared.add('a', 100));
      expect(jest.getTimerCount()).toBe(0);
      const expired: Array<[string, number]> = [];
      const kept = new DeadlineQueue<string>((item, timeoutMs) => expired.push([item, timeoutMs]), { now: () => Date.now(), clearTimerWhenEmpty: false });
      kept.remove(kept.add('a', 100));
      kept.add('b', 100); // no new timer: the armed one is early enough
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(100);
      expect(expired).toEqual([['b', 100]]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('reaches a deadline beyond the longest setTimeout delay by re-arming, not by firing early', () => {
      const expired: Array<[string, number]> = [];
      const queue = queueOf(expired);
      const days40 = 40 * 24 * 3600 * 1000;
      queue.add('far', days40);
      jest.advanceTimersByTime(2 ** 31 - 1);
      expect(expired).toEqual([]);
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(days40 - (2 ** 31 - 1));
      expect(expired).toEqual([['far', days40]]);
    });

    it('clear() forgets everything and leaves no timer', () => {
      const expired: Array<[string, number]> = [];
      const queue = queueOf(expired);
      const kept = queue.add('a', 100);
      queue.add('b', 200);
      queue.clear();
      expect(queue.size).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
      queue.remove(kept); // no-op
      jest.advanceTimersByTime(1_000);
      expect(expired).toEqual([]);
      queue.add('c', 10); // still usable
      jest.advanceTimersByTime(10);
      expect(expired).toEqual([['c', 10]]);
    });
  });

  it('with a real timer, fires no earlier than the deadline and about as late as a plain setTimeout', async () => {
    const timeoutMs = 40;
    const started = performance.now();
    let queueAt = 0;
    let timerAt = 0;
    const queue = new DeadlineQueue<number>(() => (queueAt = performance.now()));
    queue.add(1, timeoutMs);
    await new Promise<void>((resolve) => setTimeout(() => {
      timerAt = performance.now();
      resolve();
    }, timeoutMs));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(queueAt).toBeGreaterThanOrEqual(started + timeoutMs);
    // Armed at the same moment as the plain timer: what a loaded machine delays, it delays both.
    expect(queueAt - timerAt).toBeLessThan(5);
  });

  it('holds memory for the calls in flight only: 100 000 calls with 30 s deadlines, 64 at a time', () => {
    const queue = new DeadlineQueue<number>(() => undefined);
    const ring: Array<Deadline<number> | undefined> = new Array(64).fill(undefined);
    const before = heldMemory();
    let maxSize = 0;
    for (let i = 0; i < 100_000; i++) {
      const old = ring[i % 64];
      if (old !== undefined) queue.remove(old);
      // Some distinct timeouts too (deadline-propagated calls): their lists must go when empty.
      ring[i % 64] = queue.add(i, i % 8 === 0 ? 30_000 + (i % 1_000) : 30_000);
      maxSize = Math.max(maxSize, queue.size);
    }
    const held = heldMemory() - before;
    expect(maxSize).toBe(64);
    expect((queue as unknown as { lanes: Map<number, unknown> }).lanes.size).toBeLessThanOrEqual(9);
    // 64 entries of ~100 B plus a few lists; retaining all 100 000 would hold > 8 MB.
    expect(held).toBeLessThan(256 * 1024);
    queue.clear();
  });
});
