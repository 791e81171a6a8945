import { defer } from 'rxjs';
import { StrategyRun } from './cluster-strategy';

/** One attempt; the error, if any, goes straight to the caller. For non-idempotent writes. */
export const failfast: StrategyRun = (invoker, call) => defer(() => invoker.attempt(invoker.pick(call), call));
