import { LoggerService } from '@nestjs/common';
import { LogLimiter } from './log-limiter';

describe('LogLimiter', () => {
  const lines: string[] = [];
  const logger = { warn: (m: string) => lines.push(`W ${m}`), error: (m: string) => lines.push(`E ${m}`), log: () => undefined } as LoggerService;

  beforeEach(() => {
    lines.length = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('keeps the first line of each reason and sums up the rest of the window in one line', () => {
    const limiter = new LogLimiter(logger, 1_000);
    for (let i = 0; i < 20_000; i++) limiter.warn('closed-BAD_MAGIC', `bad magic from peer ${i}`);
    limiter.error('event-unknown-pattern', 'no handler');
    expect(lines).toEqual(['W bad magic from peer 0', 'E no handler']);
    jest.advanceTimersByTime(1_000);
    expect(lines).toEqual(['W bad magic from peer 0', 'E no handler', 'W … and 19999 more like it (closed-BAD_MAGIC) in the last 1000 ms']);
    limiter.warn('closed-BAD_MAGIC', 'again');
    expect(lines[3]).toBe('W again'); // a new window logs its first line again
    limiter.flush();
    expect(lines).toHaveLength(4);
    expect(jest.getTimerCount()).toBe(0);
  });
});
