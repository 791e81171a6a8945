import { ReadTimeoutError } from '../errors/read-timeout.error';
import { WriteBufferFullError } from '../errors/write-buffer-full.error';
import { ReadWriteDeadlines } from './read-write-deadlines';

const MAX = 1000;
const limits = { frameMs: 100, handshakeMs: 50, stallMs: 200, maxWriteBufferBytes: MAX };

describe('ReadWriteDeadlines', () => {
  const t0 = Date.now();

  it('closes a write buffer that stays above half its bound for stallMs; draining below half resets it', () => {
    const d = new ReadWriteDeadlines(limits);
    expect(d.check(t0, true, 0.4 * MAX)).toBeUndefined();
    expect(d.check(t0 + 1_000, true, 0.4 * MAX)).toBeUndefined(); // a reader keeping it under half is fine
    expect(d.check(t0 + 1_010, true, MAX)).toBeUndefined(); // stalled from now
    expect(d.check(t0 + 1_150, true, 0.7 * MAX)).toBeUndefined(); // the kernel took a little: still stalled
    expect(d.check(t0 + 1_210, true, 0.7 * MAX)).toBeInstanceOf(WriteBufferFullError);
    const e = new ReadWriteDeadlines(limits);
    e.check(t0, true, MAX);
    expect(e.check(t0 + 100, true, 0.4 * MAX)).toBeUndefined(); // drained below half: reset
    expect(e.check(t0 + 150, true, 0.6 * MAX)).toBeUndefined();
    expect(e.check(t0 + 349, true, 0.6 * MAX)).toBeUndefined();
    expect(e.check(t0 + 350, true, 0.6 * MAX)).toBeInstanceOf(WriteBufferFullError);
  });

  it('times a frame from its first byte and restarts on each completed frame', () => {
    const d = new ReadWriteDeadlines({ ...limits, handshakeMs: 0 });
    d.onRead(t0, 10, false);
    d.onRead(t0 + 90, 20, false);
    expect(d.check(t0 + 99, true, 0)).toBeUndefined();
    expect(d.check(t0 + 100, true, 0)).toEqual(expect.objectContaining({ what: 'frame' }));
    d.onRead(t0 + 100, 5, true); // a frame completed, the next one started
    expect(d.check(t0 + 150, true, 0)).toBeUndefined();
    d.onRead(t0 + 160, 0, true);
    expect(d.check(t0 + 1_000, true, 0)).toBeUndefined();
  });

  it('requires a first complete frame within handshakeMs', () => {
    const d = new ReadWriteDeadlines(limits);
    const late = Date.now() + 60;
    expect(d.check(late, true, 0)).toBeUndefined();
    const error = d.check(late, false, 0);
    expect(error).toBeInstanceOf(ReadTimeoutError);
    expect((error as ReadTimeoutError).what).toBe('handshake');
  });
});
