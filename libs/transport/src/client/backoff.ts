/**
 * The reconnect backoff is nestrpc's one backoff, from @nestrpc/common; re-exported here under the
 * name transport users already import.
 */
export { Backoff } from '@nestrpc/common';
export type { BackoffOptions } from '@nestrpc/common';
