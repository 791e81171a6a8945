/**
 * Discovery's retries use nestrpc's one backoff, from @nestrpc/common; re-exported here under the
 * name discovery users already import (`next()` is kept as an alias of `nextDelay()`).
 */
export { Backoff } from '@nestrpc/common';
export type { BackoffOptions } from '@nestrpc/common';
