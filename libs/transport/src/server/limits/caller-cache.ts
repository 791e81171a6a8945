import type { RpcIdentity } from '../../auth/rpc-identity';
import type { RpcContext } from '../rpc.context';
import type { TrackedBucket } from './bounded-buckets';
import { defaultCallerKey } from './caller-key';

const NOT_COMPUTED = Symbol('not computed');

/**
 * What one connection's calls resolved in the limiter, kept for its next call: the caller key
 * (the default key depends only on the connection's peer and identity, so it is computed once
 * per identity; a user `callerKey` still runs per call) and the per-caller buckets of that key.
 * A cached bucket the bounded map has dropped (`evicted`) is fetched again, so the cache never
 * keeps a caller's state alive past `maxTrackedCallers`; it holds at most one bucket per
 * pattern with a per-caller limit, for one key.
 */
export class CallerCache {
  /** The identity `defaultKey` was computed for. */
  private identity: RpcIdentity | undefined | typeof NOT_COMPUTED = NOT_COMPUTED;
  private defaultKey = '';
  /** The key `caller` and `byGate` belong to. */
  private key: string | undefined;
  /** The limiter (and its generation of buckets) this cache was filled from. */
  private owner: object | undefined;
  caller: TrackedBucket | undefined;
  private byGate: Map<object, TrackedBucket> | undefined;

  /** `defaultCallerKey(context)` for this connection's calls, computed once per identity (the peer is the connection's). */
  defaultKeyOf(context: RpcContext): string {
    const identity = context.getIdentity();
    if (identity !== this.identity) {
      this.defaultKey = defaultCallerKey(context);
      this.identity = identity;
    }
    return this.defaultKey;
  }

  /** Makes the cached buckets those of `key` in `owner`'s map: forgets them when either changed. */
  select(owner: object, key: string): void {
    if (key === this.key && owner === this.owner) return;
    this.owner = owner;
    this.key = key;
    this.caller = undefined;
    this.byGate?.clear();
  }

  gateBucket(gate: object): TrackedBucket | undefined {
    return this.byGate?.get(gate);
  }

  setGateBucket(gate: object, bucket: TrackedBucket): void {
    (this.byGate ??= new Map()).set(gate, bucket);
  }
}
