import { Observable, Subscription } from 'rxjs';

/**
 * A service's concurrency limit for Observable calls: at most `maxConcurrent` subscribed at
 * once, `maxQueued` more waiting (FIFO), the rest refused at once. A slot is freed synchronously
 * when the call errors, completes or is unsubscribed, before the caller sees the outcome, so a
 * caller's next call always finds it free. (cockatiel's BulkheadPolicy frees it only after its
 * Promise settles, microtasks after the caller already had its answer: see docs/decisions.md.)
 */
export class Bulkhead {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {}

  get use(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  wrap<T>(source: Observable<T>, refusal: () => unknown): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let held = false;
      const leave = () => {
        if (!held) return;
        held = false;
        this.running--;
        this.startQueued();
      };
      const start = () => {
        held = true;
        this.running++;
        inner = source.subscribe({
          next: (value) => subscriber.next(value),
          error: (err: unknown) => {
            leave();
            subscriber.error(err);
          },
          complete: () => {
            leave();
            subscriber.complete();
          },
        });
      };
      if (this.running < this.maxConcurrent) start();
      else if (this.queue.length < this.maxQueued) this.queue.push(start);
      else {
        subscriber.error(refusal());
        return undefined;
      }
      return () => {
        const queued = this.queue.indexOf(start);
        if (queued >= 0) this.queue.splice(queued, 1);
        inner?.unsubscribe();
        leave();
      };
    });
  }

  private startQueued(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) this.queue.shift()!();
  }
}
