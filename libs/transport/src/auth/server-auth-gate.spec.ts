import { AuthenticationError } from '../errors/authentication.error';
import { Frame } from '../protocol/frame';
import { MessageType } from '../protocol/message-type';
import { RpcServerAuthOptions } from './rpc-identity';
import { ServerAuthGate } from './server-auth-gate';

const ping = (seq: number, credential?: string): Frame => ({ type: MessageType.Ping, serializerId: 0, flags: 0, seq, meta: credential === undefined ? {} : { credential }, body: undefined });
const flush = () => new Promise((resolve) => setImmediate(resolve));

function gate(verifyToken: RpcServerAuthOptions['verifyToken'], handshakeTimeoutMs = 0, verifyTimeoutMs?: number) {
  const accepted: [string, number][] = [];
  const rejected: string[] = [];
  const g = new ServerAuthGate({ verifyToken, verifyTimeoutMs }, '10.0.0.1:5000', undefined, {
    accept: (identity, seq) => accepted.push([identity.subject, seq]),
    reject: (error) => rejected.push(error.message),
  }, handshakeTimeoutMs);
  return { g, accepted, rejected };
}

describe('ServerAuthGate', () => {
  afterEach(() => jest.useRealTimers());

  it('verifies the first PING once and answers it on acceptance (subject from `sub`)', async () => {
    const verify = jest.fn(async () => ({ sub: 'ann' }));
    const { g, accepted } = gate(verify);
    expect(g.onPing(ping(1, 't'))).toBe(false);
    expect(g.accepted).toBe(false);
    await flush();
    expect(accepted).toEqual([['ann', 1]]);
    expect(g.accepted).toBe(true);
    expect(g.onPing(ping(0))).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveBeenCalledWith({ credential: 't', peer: '10.0.0.1:5000', certificate: undefined });
  });

  it('answers heartbeats while verifying, but never the handshake PING or a second credential', () => {
    const { g } = gate(() => new Promise(() => undefined));
    g.onPing(ping(1, 't'));
    expect(g.onPing(ping(0))).toBe(true);
    expect(g.onPing(ping(1))).toBe(false);
    expect(g.onPing(ping(0, 'other'))).toBe(false);
    g.dispose();
  });

  it.each([
    ['false', () => false],
    ['null', () => null],
    ['a rejection', () => Promise.reject(new Error('db down'))],
  ])('refuses when the verifier returns %s', async (_, verify) => {
    const { g, rejected, accepted } = gate(verify as RpcServerAuthOptions['verifyToken']);
    g.onPing(ping(1, 't'));
    await flush();
    expect(rejected).toEqual(['Credential refused']);
    expect(accepted).toEqual([]);
    expect(g.onPing(ping(0))).toBe(false);
  });

  it("passes a verifier's own AuthenticationError on", async () => {
    const { g, rejected } = gate(() => Promise.reject(new AuthenticationError('expired')));
    g.onPing(ping(1, 't'));
    await flush();
    expect(rejected).toEqual(['expired']);
  });

  it('bounds the verifier and the whole handshake; a late verdict is ignored', async () => {
    jest.useFakeTimers();
    let late: ((claims: Record<string, unknown>) => void) | undefined;
    const slow = gate(() => new Promise((resolve) => (late = resolve)), 0, 300);
    slow.g.onPing(ping(1, 't'));
    await jest.advanceTimersByTimeAsync(300);
    expect(slow.rejected).toEqual(['The credential verifier did not answer within 300 ms']);
    late?.({ sub: 'x' });
    await jest.advanceTimersByTimeAsync(0);
    expect(slow.accepted).toEqual([]);

    const silent = gate(() => ({ sub: 'x' }), 500);
    await jest.advanceTimersByTimeAsync(500);
    expect(silent.rejected).toEqual(['Not authenticated within 500 ms (handshakeTimeoutMs)']);
  });

  it('refuses a peer that sends anything before the handshake, once', () => {
    const { g, rejected } = gate(() => ({ sub: 'x' }));
    g.refuseEarly('REQUEST frame');
    g.refuseEarly('REQUEST frame');
    expect(rejected).toEqual(['REQUEST frame before authentication completed; the connection is closed']);
  });

  it('leaves no timer behind once disposed', () => {
    jest.useFakeTimers();
    const { g } = gate(() => new Promise(() => undefined), 10_000, 5_000);
    g.onPing(ping(1, 't'));
    g.dispose();
    expect(jest.getTimerCount()).toBe(0);
  });
});
