import { Socket } from 'net';
import { firstValueFrom } from 'rxjs';
import { AuthenticationError, ForbiddenError, RpcAuthRequest, RpcClient, RpcTokenVerifier } from '@nestrpc/transport';
import { encodeFrame, Frame, FrameDecoder, FrameFlags, MessageType } from '@nestrpc/transport/protocol';
import { IdentityController, IdentityRecorder } from './fixtures/identity.controller';
import { IdentityModule } from './fixtures/identity.module';
import { MathHarness, rawSocket, startMathServer } from './support';

const TOKENS: Record<string, Record<string, unknown>> = {
  'alice-token': { sub: 'alice', role: 'user' },
  'root-token': { sub: 'root', role: 'admin' },
};

const call = <T>(client: RpcClient, pattern: string, data: unknown = null): Promise<T> => firstValueFrom(client.send<T>(pattern, data));

/** A raw peer that collects every frame the server sends it. */
async function rawPeer(port: number): Promise<{ socket: Socket; frames: Frame[]; closed: Promise<unknown> }> {
  const { socket, closed } = await rawSocket(port, false);
  const frames: Frame[] = [];
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => decoder.feed(chunk, (frame) => frames.push({ ...frame, body: frame.body && Buffer.from(frame.body) })));
  return { socket, frames, closed };
}

const request = (seq: number, pattern: string) => encodeFrame({ type: MessageType.Request, serializerId: 1, seq, meta: { pattern }, body: 'null' });

describe('token authentication at connection start', () => {
  let h: MathHarness;
  const seen: RpcAuthRequest[] = [];
  let slowVerdict: ((claims: Record<string, unknown> | false) => void) | undefined;
  const verifyToken: RpcTokenVerifier = async (req) => {
    seen.push(req);
    if (req.credential === 'slow') return new Promise((resolve) => (slowVerdict = resolve));
    if (req.credential === 'never') return new Promise(() => undefined);
    if (req.credential === 'boom') throw new Error('database at 10.0.0.7 is down');
    if (req.credential === 'expired') throw new AuthenticationError('Token expired');
    return TOKENS[req.credential ?? ''] ?? false;
  };

  beforeAll(async () => {
    h = await startMathServer({ auth: { verifyToken, verifyTimeoutMs: 400 }, handshakeTimeoutMs: 1_500 }, IdentityModule);
  });
  afterAll(() => h.close());
  beforeEach(() => {
    IdentityController.runs = 0;
    IdentityRecorder.seen.length = 0;
    seen.length = 0;
  });

  it('gives handlers and interceptors the identity the verifier returned', async () => {
    const client = h.client({ credentials: 'alice-token' });
    await expect(call(client, 'whoami')).resolves.toEqual({ kind: 'token', subject: 'alice', claims: { sub: 'alice', role: 'user' } });
    expect(IdentityRecorder.seen).toEqual(['alice']);
    // Verified once per connection, not per call.
    await call(client, 'whoami');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ credential: 'alice-token', certificate: undefined });
  });

  it('asks an async credentials provider again for every new connection', async () => {
    let issued = 0;
    const client = h.client({ credentials: async () => (++issued === 1 ? 'alice-token' : 'root-token') });
    await expect(call(client, 'whoami')).resolves.toMatchObject({ subject: 'alice' });
    await client.close();
    await expect(call(client, 'whoami')).resolves.toMatchObject({ subject: 'root' });
    expect(seen.map((r) => r.credential)).toEqual(['alice-token', 'root-token']);
  });

  it.each([
    ['a wrong credential', { credentials: 'mallory' }, 'Credential refused'],
    ['no credential', {}, 'This server requires a credential'],
    ['a verifier that throws', { credentials: 'boom' }, 'Credential refused'],
    ["the verifier's own AuthenticationError", { credentials: 'expired' }, 'Token expired'],
    ['a credentials provider that fails', { credentials: () => Promise.reject(new Error('vault sealed')) }, 'The credentials provider failed: vault sealed'],
  ])('refuses %s with a typed, non-retryable AuthenticationError; no handler runs', async (_, options, message) => {
    const client = h.client({ ...options, reconnect: false });
    const error = await call(client, 'whoami').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false, message });
    // The verifier's internals (the thrown error's text) are not sent to the client.
    expect((error as Error).message).not.toMatch(/10\.0\.0\.7/);
    expect(client.isConnected).toBe(false);
    expect(IdentityController.runs).toBe(0);
  });

  it('bounds a verifier that never answers by verifyTimeoutMs', async () => {
    const client = h.client({ credentials: 'never', reconnect: false });
    const started = Date.now();
    const error = await call(client, 'whoami').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/did not answer within 400 ms/);
    expect(Date.now() - started).toBeLessThan(400 + 1_500);
  });

  it('a raw peer that skips the handshake and sends a call: refused, closed, handler never runs', async () => {
    const peer = await rawPeer(h.port);
    peer.socket.write(request(1, 'whoami'));
    await peer.closed;
    expect(IdentityController.runs).toBe(0);
    const refusal = peer.frames.find((f) => f.type === MessageType.Error && f.seq === 1);
    expect(refusal?.flags).toBe(FrameFlags.TransportError);
    expect(JSON.parse(String(refusal?.body))).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
  });

  it('a call pipelined behind the credential, before the verifier answered, never runs, even once it accepts', async () => {
    const peer = await rawPeer(h.port);
    peer.socket.write(Buffer.concat([encodeFrame({ type: MessageType.Ping, seq: 1, meta: { credential: 'slow' } }), request(1, 'whoami')]));
    await peer.closed;
    slowVerdict?.({ sub: 'late' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(IdentityController.runs).toBe(0);
    expect(peer.frames.some((f) => f.type === MessageType.Pong && f.seq === 1)).toBe(false);
  });

  it('closes a connection that never completes authentication after handshakeTimeoutMs', async () => {
    // The verifier would take longer than the handshake allows: verifyTimeoutMs cannot be what closes it here.
    const server = await startMathServer({ auth: { verifyToken, verifyTimeoutMs: 60_000 }, handshakeTimeoutMs: 500 }, IdentityModule);
    try {
      const peer = await rawPeer(server.port);
      const started = Date.now();
      peer.socket.write(encodeFrame({ type: MessageType.Ping, seq: 1, meta: { credential: 'never' } }));
      await peer.closed;
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(400);
      expect(elapsed).toBeLessThan(500 + 2_000);
      const refusal = peer.frames.find((f) => f.type === MessageType.Error && f.seq === 0);
      expect(JSON.parse(String(refusal?.body))).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/within 500 ms/) });
    } finally {
      await server.close();
    }
  });

  it('a guard that rejects by identity: typed ForbiddenError, handler not run; the admin gets through', async () => {
    const user = h.client({ credentials: 'alice-token' });
    const error = await call(user, 'admin-only').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', retryable: false, message: 'Forbidden resource' });
    expect(IdentityController.runs).toBe(0);
    // Refused a call, not the connection: it stays up.
    expect(user.isConnected).toBe(true);
    const admin = h.client({ credentials: 'root-token' });
    await expect(call(admin, 'admin-only')).resolves.toBe('secret');
    expect(IdentityController.runs).toBe(1);
  });
});

describe('credentials against a server without auth', () => {
  let h: MathHarness;
  beforeAll(async () => (h = await startMathServer({}, IdentityModule)));
  afterAll(() => h.close());

  it('connect and call as before: the credential is ignored, there is no identity', async () => {
    const client = h.client({ credentials: 'alice-token' });
    await expect(call(client, 'whoami')).resolves.toBeNull();
  });
});
