import { RpcIdentity } from '../../auth/rpc-identity';
import { RpcContext, ServerCallState } from '../rpc.context';
import { defaultCallerKey, peerHost } from './caller-key';

function context(peer: string, identity?: RpcIdentity): RpcContext {
  const call: ServerCallState = { seq: 1, peer, identity, receivedAt: 0, idempotent: false, controller: undefined, cancelled: false };
  return new RpcContext({ pattern: 'Hello.greet' }, call);
}

describe('defaultCallerKey', () => {
  it('keys an anonymous caller by its host, whatever its port', () => {
    expect(peerHost('10.0.0.7:51234')).toBe('10.0.0.7');
    expect(peerHost('::1:51234')).toBe('::1');
    expect(defaultCallerKey(context('10.0.0.7:51234'))).toBe(defaultCallerKey(context('10.0.0.7:40000')));
  });

  it('keys an authenticated caller by its identity: two callers behind one address get two buckets, one caller on two hosts one', () => {
    const alice = { kind: 'token', subject: 'alice', claims: {} } as const;
    const bob = { kind: 'token', subject: 'bob', claims: {} } as const;
    expect(defaultCallerKey(context('10.0.0.1:1000', alice))).toBe('token:alice');
    expect(defaultCallerKey(context('10.0.0.1:1001', bob))).toBe('token:bob');
    expect(defaultCallerKey(context('10.0.0.2:1000', alice))).toBe('token:alice');
    expect(defaultCallerKey(context('10.0.0.1:1000', { kind: 'certificate', subject: 'svc-a', claims: {} }))).toBe('certificate:svc-a');
  });

  it('falls back to the host when the identity names nobody', () => {
    expect(defaultCallerKey(context('10.0.0.1:1000', { kind: 'token', subject: '', claims: {} }))).toBe('10.0.0.1');
  });
});
