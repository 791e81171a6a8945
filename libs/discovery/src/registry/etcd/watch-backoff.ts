import { backoffDelay, BackoffOptions, resolveBackoffOptions } from '@nestrpc/common';
import type { IBackoff } from 'cockatiel';

/**
 * etcd3 reconnects its watch streams with a cockatiel-shaped backoff (`duration`, `next()`); this
 * draws those delays from nestrpc's one backoff curve (@nestrpc/common) instead of a second
 * implementation. etcd3 calls `next()` on the value it is given to start each series, so the
 * value is both the factory and the first step.
 */
export function watchReconnectBackoff(options: BackoffOptions): IBackoff<unknown> {
  const policy = resolveBackoffOptions(options);
  const step = (attempt: number): IBackoff<unknown> => ({ duration: backoffDelay(policy, attempt), next: () => step(attempt + 1) });
  return { duration: backoffDelay(policy, 0), next: () => step(0) };
}
