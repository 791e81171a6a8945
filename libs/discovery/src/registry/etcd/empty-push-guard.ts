/**
 * Decides whether a drop to an empty instance list should be published now or held back.
 * Suspect drops (a bulk re-list, or deletions shortly after a watch reconnect) are held for
 * `holdMs`; the hold ends early when any instance shows up. Plain deletions on a healthy stream
 * are always believed. Pure: the caller owns the timer and the clock.
 */
export class EmptyPushGuard {
  private reconnectedAt = Number.NEGATIVE_INFINITY;
  private heldSince: number | undefined;

  constructor(
    readonly enabled: boolean,
    readonly holdMs: number,
    private readonly reconnectWindowMs: number,
  ) {}

  /** The watch stream came back after a disconnection (or was re-created). */
  noteReconnect(now: number): void {
    this.reconnectedAt = now;
  }

  get holding(): boolean {
    return this.heldSince !== undefined;
  }

  /** 'hold' to keep serving `currentSize` instances instead of an empty `nextSize` list. */
  decide(currentSize: number, nextSize: number, bulk: boolean, now: number): 'publish' | 'hold' {
    const suspect = this.enabled && nextSize === 0 && currentSize > 0 && (bulk || now - this.reconnectedAt < this.reconnectWindowMs);
    if (!suspect) {
      this.heldSince = undefined;
      return 'publish';
    }
    if (this.heldSince === undefined) this.heldSince = now;
    return now - this.heldSince >= this.holdMs ? this.release() : 'hold';
  }

  /** The hold expired: the empty list is believed. */
  release(): 'publish' {
    this.heldSince = undefined;
    return 'publish';
  }
}
