import { EARLY_FLUSH_BYTES, EARLY_FLUSH_FRAMES, FIRST_EARLY_FLUSH_FRAMES } from './constants';

/**
 * When a connection's queued frames leave, so that both ends work at once instead of taking turns.
 *
 * Frames queued in one event-loop turn would all leave together at its end (one syscall), but
 * then the peer idles while this side produces the whole batch, and this side idles while the
 * peer answers it: each process ~50 % busy (measured: 64 calls in flight, one write per ~60
 * calls, both processes half idle). Instead:
 * - a turn's first frame leaves at once when nothing else is unsent (the peer is likely waiting
 *   for it: with one call in flight there is no end-of-turn wait at all);
 * - otherwise the first FIRST_EARLY_FLUSH_FRAMES frames leave at once, so the peer starts on
 *   them while this side produces the rest;
 * - every following early write waits for twice as many frames as the one before, up to
 *   EARLY_FLUSH_FRAMES (or EARLY_FLUSH_BYTES), so a turn of n frames costs about
 *   log2(n / FIRST_EARLY_FLUSH_FRAMES) + 2 syscalls, not n. What is left leaves at the end of the turn.
 * The bench system `nestrpc-json-turnflush` measures it against 0.1's policy in every full run (docs/decisions.md).
 */
export class FlushSchedule {
  private threshold = FIRST_EARLY_FLUSH_FRAMES;
  private turnStarted = false;

  /**
   * True when `frames` queued frames (`bytes` long) should leave now, before the turn ends;
   * `socketIdle`: the socket holds nothing unsent (read only for a lone frame at a turn's start).
   */
  isDue(frames: number, bytes: number, socketIdle: boolean): boolean {
    if (!this.turnStarted) {
      this.turnStarted = true;
      if (frames === 1 && socketIdle) return true;
    }
    return frames >= this.threshold || bytes >= EARLY_FLUSH_BYTES;
  }

  /** An early write went out: the next one waits for twice as many frames (up to the cap). */
  flushedEarly(): void {
    this.threshold = Math.min(this.threshold * 2, EARLY_FLUSH_FRAMES);
  }

  /** The turn ended (the scheduled flush ran): the next turn starts small again. */
  turnEnded(): void {
    this.threshold = FIRST_EARLY_FLUSH_FRAMES;
    this.turnStarted = false;
  }
}
