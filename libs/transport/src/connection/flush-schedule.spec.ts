import { EARLY_FLUSH_BYTES, EARLY_FLUSH_FRAMES, FIRST_EARLY_FLUSH_FRAMES } from './constants';
import { FlushSchedule } from './flush-schedule';

describe('FlushSchedule', () => {
  it('is due at the first threshold, then at twice as many frames each time, capped', () => {
    const schedule = new FlushSchedule();
    const thresholds: number[] = [];
    for (let i = 0; i < 8; i++) {
      let frames = 1;
      while (!schedule.isDue(frames, frames)) frames++;
      thresholds.push(frames);
      schedule.flushedEarly();
    }
    const expected = thresholds.map((_, i) => Math.min(FIRST_EARLY_FLUSH_FRAMES * 2 ** i, EARLY_FLUSH_FRAMES));
    expect(thresholds).toEqual(expected);
    expect(thresholds[thresholds.length - 1]).toBe(EARLY_FLUSH_FRAMES);
  });

  it('starts over when the turn ends', () => {
    const schedule = new FlushSchedule();
    schedule.flushedEarly();
    schedule.flushedEarly();
    expect(schedule.isDue(FIRST_EARLY_FLUSH_FRAMES, 0)).toBe(false);
    schedule.turnEnded();
    expect(schedule.isDue(FIRST_EARLY_FLUSH_FRAMES, 0)).toBe(true);
    expect(schedule.isDue(FIRST_EARLY_FLUSH_FRAMES - 1, 0)).toBe(false);
  });

  it('is due at the byte threshold whatever the frame count', () => {
    const schedule = new FlushSchedule();
    expect(schedule.isDue(1, EARLY_FLUSH_BYTES - 1)).toBe(false);
    expect(schedule.isDue(1, EARLY_FLUSH_BYTES)).toBe(true);
  });
});
