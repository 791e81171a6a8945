import { setTimeout as sleep } from 'timers/promises';
import { ReadTimeoutError } from '@nestrpc/transport';
// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, MessageType } from '@nestrpc/transport/protocol';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

/** A valid request header declaring `bodyBytes`, and its body, to be sent a byte at a time. */
function bigRequest(bodyBytes: number): Buffer {
  return encodeFrame({ type: MessageType.Request, serializerId: 1, seq: 1, meta: { pattern: 'echo' }, body: Buffer.alloc(bodyBytes, 0x20) });
}

describe('read and handshake timeouts: bytes alone are not liveness', () => {
  let h: MathHarness;
  const closes: (Error | undefined)[] = [];

  beforeAll(async () => {
    h = await startMathServer({ frameTimeoutMs: 1_000, handshakeTimeoutMs: 600, heartbeatIntervalMs: 200, missedHeartbeats: 100 });
    h.server.on('disconnect', (_peer, error) => closes.push(error));
  });

  afterAll(() => h.close());

  it('closes a peer that drips one byte per segment within frameTimeoutMs, holding ~its byte count meanwhile', async () => {
    const { socket, closed } = await rawSocket(h.port);
    socket.write(encodeFrame({ type: MessageType.Ping, seq: 0 })); // a proper handshake first
    const frame = bigRequest(64 * 1024);
    let sent = 0;
    let gone = false;
    void closed.then(() => (gone = true));
    const started = Date.now();
    let maxHeld = 0;
    while (!gone && Date.now() - started < 4_000) {
      socket.write(frame.subarray(sent, sent + 1));
      sent++;
      await sleep(5);
      for (const c of h.server.connectionStats()) maxHeld = Math.max(maxHeld, c.pendingFrameHeldBytes);
    }
    const elapsed = Date.now() - started;
    expect(gone).toBe(true);
    // frameTimeoutMs=1000, checked every 100 ms (half the 200 ms heartbeat): closed by ~1.1 s, 2.5 s allows a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(2_500);
    expect(sent).toBeGreaterThan(16);
    // Memory held for the partial frame: one buffer, at most 2× the bytes received (min 1 KiB).
    expect(maxHeld).toBeLessThanOrEqual(Math.max(2 * sent, 1024));
    await waitFor(() => closes.some((e) => e instanceof ReadTimeoutError && e.what === 'frame'), 'a ReadTimeoutError(frame)');
  });

  it('closes a connection that sends no complete frame within handshakeTimeoutMs', async () => {
    const { socket, closed } = await rawSocket(h.port);
    socket.write(bigRequest(10).subarray(0, 5)); // half a header, then nothing
    const started = Date.now();
    await closed;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(2_000);
    await waitFor(() => closes.some((e) => e instanceof ReadTimeoutError && e.what === 'handshake'), 'a ReadTimeoutError(handshake)');
  });

  it('keeps a real client that sends its frames whole', async () => {
    const client = h.client();
    await client.connect();
    await sleep(1_300);
    expect(client.isConnected).toBe(true);
  });
});
