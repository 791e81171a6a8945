import type { RpcContext } from '../rpc.context';

/** `10.0.0.7:51234` → `10.0.0.7`, `::1:51234` → `::1`: one key per host, whatever its ports. */
export function peerHost(peer: string): string {
  const colon = peer.lastIndexOf(':');
  return colon <= 0 ? peer : peer.slice(0, colon);
}

/** Default `callerKey`: the caller's address. An authenticated identity, once known, is the better key. */
export function defaultCallerKey(context: RpcContext): string {
  return peerHost(context.getPeer());
}
