import { setTimeout as sleep } from 'timers/promises';

/** Rejects with `onTimeout()` if `work` has not settled after `ms`. The guard timer never holds the process. */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([work, guard]).finally(() => clearTimeout(timer));
}

/** Waits for `work` at most `ms`; never rejects. For best-effort shutdown steps. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<'settled' | 'timeout'> {
  const ac = new AbortController();
  const timeout = sleep(ms, 'timeout' as const, { ref: false, signal: ac.signal }).catch(() => 'timeout' as const);
  const result = await Promise.race([work.then(() => 'settled' as const, () => 'settled' as const), timeout]);
  ac.abort();
  return result;
}

/** Call options with an absolute deadline `ms` from now (the shape gRPC and etcd3 take). */
export function deadlineIn(ms: number): { deadline: number } {
  return { deadline: Date.now() + ms };
}
