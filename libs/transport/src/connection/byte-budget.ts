/**
 * A byte count shared by every connection of a server (a memory budget): each connection
 * reports what it holds as it changes, and is refused when it would take the total over the limit.
 */
export class ByteBudget {
  private usedBytes = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Moves one holder's share from `from` to `to` bytes; false (nothing changed) when growing would exceed the limit. */
  tryUpdate(from: number, to: number): boolean {
    if (to > from && this.usedBytes - from + to > this.limit) return false;
    this.usedBytes += to - from;
    return true;
  }

  /** Accounts a change that cannot be refused (bytes already queued); callers check `used` first. */
  add(delta: number): void {
    this.usedBytes += delta;
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
  }
}
