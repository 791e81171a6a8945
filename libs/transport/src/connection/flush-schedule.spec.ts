import { EARLY_FLUSH_BYTES, EARLY_FLUSH_FRAMES, FIRST_EARLY_FLUSH_FRAMES } from './constants';
import { FlushSchedule } from './flush-schedule';

/** Frame counts at which the schedule asks for early writes during one turn of `total` frames. */
function flushPoints(schedule: FlushSchedule, total: number, socketIdle: boolean): number[] {
  const points: number[] = [];
  let queued = 0;
  for (let frame = 1; frame <= total; frame++) {
    queued++;
    if (schedule.isDue(queued, queued * 100, socketIdle)) {
      points.push(frame);
      schedule.flushedEarly();
      queued = 0;
    }
  }
  return points;
}

describe('FlushSchedule', () => {
  it('with data still unsent: due at the first threshold, then at twice as many frames each time, capped', () => {
    const points = flushPoints(new FlushSchedule(), 8 * EARLY_FLUSH_FRAMES, false);
    const steps = points.map((at, i) => at - (points[i - 1] ?? 0));
    expect(steps.slice(0, 4)).toEqual([FIRST_EARLY_FLUSH_FRAMES, 2 * FIRST_EARLY_FLUSH_FRAMES, 4 * FIRST_EARLY_FLUSH_FRAMES, 8 * FIRST_EARLY_FLUSH_FRAMES].map((n) => Math.min(n, EARLY_FLUSH_FRAMES)));
    expect(Math.max(...steps)).toBe(EARLY_FLUSH_FRAMES);
  });

  it('on an idle socket: the first frame at once, then the doubling batches', () => {
    const points = flushPoints(new FlushSchedule(), 100, true);
    expect(points.slice(0, 3)).toEqual([1, 1 + 2 * FIRST_EARLY_FLUSH_FRAMES, 1 + 6 * FIRST_EARLY_FLUSH_FRAMES]);
  });

  it('starts over when the turn ends', () => {
    const schedule = new FlushSchedule();
    flushPoints(schedule, 200, false);
    expect(schedule.isDue(FIRST_EARLY_FLUSH_FRAMES, 0, false)).toBe(false);
    schedule.turnEnded();
    expect(schedule.isDue(1, 0, true)).toBe(true);
    schedule.turnEnded();
    expect(schedule.isDue(FIRST_EARLY_FLUSH_FRAMES - 1, 0, false)).toBe(false);
    expect(schedule.isDue(FIRST_EARLY_FLUSH_FRAMES, 0, false)).toBe(true);
  });

  it('is due at the byte threshold whatever the frame count', () => {
    const schedule = new FlushSchedule();
    expect(schedule.isDue(2, EARLY_FLUSH_BYTES - 1, false)).toBe(false);
    expect(schedule.isDue(2, EARLY_FLUSH_BYTES, false)).toBe(true);
  });
});
