import { defer } from 'rxjs';
import { ClusterStrategy } from './cluster-strategy';

/** One attempt; the error, if any, goes straight to the caller. For non-idempotent writes. */
export const failfast: ClusterStrategy = (invoker, call) => defer(() => invoker.attempt(invoker.pick(call), call));
