import type { RpcContext } from '../rpc.context';

/** `10.0.0.7:51234` → `10.0.0.7`, `::1:51234` → `::1`: one key per host, whatever its ports. */
export function peerHost(peer: string): string {
  const colon = peer.lastIndexOf(':');
  return colon <= 0 ? peer : peer.slice(0, colon);
}

/**
 * Default `callerKey`: the authenticated caller when it has a name (`token:<sub>`,
 * `certificate:<CN>`), so callers behind one proxy or NAT address get their own buckets and one
 * caller's connections from many hosts share one; otherwise the caller's host address.
 */
export function defaultCallerKey(context: RpcContext): string {
  const identity = context.getIdentity();
  if (identity !== undefined && identity.subject !== '') return `${identity.kind}:${identity.subject}`;
  return peerHost(context.getPeer());
}
