import { Logger } from '@nestjs/common';
import { Backoff, BackoffOptions } from '@nestrpc/common';
import { DEFAULT_CALL_TIMEOUT_MS } from '@nestrpc/transport';
import { lastValueFrom } from 'rxjs';
import { DEFAULT_FAILBACK_ATTEMPTS, DEFAULT_FAILBACK_DELAY_MS, DEFAULT_FAILBACK_JITTER, DEFAULT_FAILBACK_MAX_DELAY_MS, DEFAULT_FAILBACK_QUEUE_SIZE } from '../../constants';
import { isRetrySafe } from '../call-errors';
import { ClusterCall, ClusterInvoker } from '../cluster-invoker';
import { failover } from './failover.strategy';

interface Queued {
  call: ClusterCall;
  attempts: number;
}

/**
 * Failed calls retried in the background, for notifications that must eventually land.
 * Only calls that are safe to run again are queued (the strategy checks), and a retry that
 * fails in a way that is no longer safe (a domain error, or a non-idempotent call that may
 * have run) is given up, never repeated. Bounded: a full queue refuses the call (the caller
 * gets the error); each call gets a bounded number of attempts with doubling, jittered delay
 * (rounds of many callers retrying one service do not line up), each with a fresh deadline of
 * `timeoutMs`. The timer is unref'd and cleared on close.
 */
export class FailbackQueue {
  private readonly logger = new Logger('RpcCluster:failback');
  private readonly queue: Queued[] = [];
  /** Round delays and the one round timer: grows while rounds fail, starts over after a clean round. */
  private readonly rounds: Backoff;
  private closed = false;

  constructor(
    private readonly invoker: ClusterInvoker,
    private readonly capacity = DEFAULT_FAILBACK_QUEUE_SIZE,
    private readonly maxAttempts = DEFAULT_FAILBACK_ATTEMPTS,
    private readonly timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
    delays: BackoffOptions = {},
  ) {
    this.rounds = new Backoff({ initialDelayMs: DEFAULT_FAILBACK_DELAY_MS, maxDelayMs: DEFAULT_FAILBACK_MAX_DELAY_MS, jitter: DEFAULT_FAILBACK_JITTER, ...delays });
  }

  get size(): number {
    return this.queue.length;
  }

  add(call: ClusterCall): boolean {
    if (this.closed || this.queue.length >= this.capacity) {
      this.logger.error(`Failback queue full (${this.capacity}); ${call.pattern} fails now instead`);
      return false;
    }
    this.queue.push({ call, attempts: 1 });
    this.schedule();
    return true;
  }

  close(): void {
    this.closed = true;
    this.rounds.cancel();
    if (this.queue.length > 0) this.logger.warn(`Closing with ${this.queue.length} call(s) still queued for retry`);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.rounds.pending || this.closed || this.queue.length === 0) return;
    this.rounds.schedule(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.queue.length);
    let failed = 0;
    await Promise.all(
      batch.map(async (item) => {
        try {
          const deadline = this.timeoutMs > 0 ? Date.now() + this.timeoutMs : undefined;
          await lastValueFrom(failover(this.invoker, { ...item.call, options: { ...item.call.options, deadline } }), { defaultValue: undefined });
          this.logger.log(`${item.call.pattern} succeeded on retry ${item.attempts}`);
        } catch (err) {
          failed++;
          if (!isRetrySafe(err, item.call.options.idempotent)) this.logger.error(`${item.call.pattern} given up: ${(err as Error)?.message} (not safe to run again)`);
          else if (++item.attempts > this.maxAttempts) this.logger.error(`${item.call.pattern} given up after ${this.maxAttempts} attempts: ${(err as Error)?.message}`);
          else if (!this.closed) this.queue.push(item);
        }
      }),
    );
    if (failed === 0) this.rounds.reset();
    this.schedule();
  }
}
