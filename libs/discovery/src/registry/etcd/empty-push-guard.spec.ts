import { EmptyPushGuard } from './empty-push-guard';

describe('EmptyPushGuard', () => {
  it('believes deletions to empty on a healthy stream', () => {
    const guard = new EmptyPushGuard(true, 10_000, 5_000);
    expect(guard.decide(3, 0, false, 100_000)).toBe('publish');
  });

  it('holds an empty re-list until the hold expires', () => {
    const guard = new EmptyPushGuard(true, 10_000, 5_000);
    expect(guard.decide(3, 0, true, 1_000)).toBe('hold');
    expect(guard.holding).toBe(true);
    expect(guard.decide(3, 0, true, 10_999)).toBe('hold');
    expect(guard.decide(3, 0, true, 11_000)).toBe('publish');
    expect(guard.holding).toBe(false);
  });

  it('holds deletions to empty right after a reconnect, not later', () => {
    const guard = new EmptyPushGuard(true, 10_000, 5_000);
    guard.noteReconnect(50_000);
    expect(guard.decide(2, 0, false, 52_000)).toBe('hold');
    expect(guard.decide(2, 1, false, 52_500)).toBe('publish');
    expect(guard.holding).toBe(false);
    expect(guard.decide(1, 0, false, 56_000)).toBe('publish');
  });

  it('never holds when disabled, when already empty, or for non-empty lists', () => {
    expect(new EmptyPushGuard(false, 10_000, 5_000).decide(3, 0, true, 0)).toBe('publish');
    const guard = new EmptyPushGuard(true, 10_000, 5_000);
    expect(guard.decide(0, 0, true, 0)).toBe('publish');
    expect(guard.decide(5, 1, true, 0)).toBe('publish');
  });
});
