import { firstValueFrom } from 'rxjs';
import { ServerOverloadedError, WriteBufferFullError } from '@nestrpc/transport';
// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, MessageType } from '@nestrpc/transport/protocol';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

const KiB = 1024;
const MiB = 1024 * KiB;
const JSON_ID = 1;

/** `count` small requests whose answers are `replyBytes` each, sent at once by a peer that never reads. */
function blobRequests(count: number, replyBytes: number): Buffer {
  const frames = Array.from({ length: count }, (_, i) =>
    encodeFrame({ type: MessageType.Request, serializerId: JSON_ID, seq: i + 1, meta: { pattern: 'blob' }, body: Buffer.from(String(replyBytes)) }),
  );
  return Buffer.concat([encodeFrame({ type: MessageType.Ping, seq: 0 }), ...frames]);
}

/** Samples the server's buffered answers until `untilMs` passes; returns the largest seen. */
async function maxBuffered(h: MathHarness, untilMs: number): Promise<{ perConnection: number; total: number }> {
  let perConnection = 0;
  let total = 0;
  const end = Date.now() + untilMs;
  while (Date.now() < end) {
    for (const c of h.server.connectionStats()) perConnection = Math.max(perConnection, c.writableBytes);
    total = Math.max(total, h.server.writeBufferBytes);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { perConnection, total };
}

describe('answers respect maxWriteBufferBytes for a client that never reads', () => {
  let h: MathHarness;
  const closes: (Error | undefined)[] = [];

  beforeAll(async () => {
    h = await startMathServer({ maxWriteBufferBytes: 4 * MiB, maxServerWriteBufferBytes: 6 * MiB, writeStallTimeoutMs: 1_500 });
    h.server.on('disconnect', (_peer, error) => closes.push(error));
  });

  afterAll(() => h.close());

  it('120 small requests × 1 MiB replies keep the connection at ≤ maxWriteBufferBytes + one answer (old: 120 MiB)', async () => {
    const { socket } = await rawSocket(h.port, false);
    // More than the kernel's socket buffers can take (Linux: ≤ 4 MiB send + 32 MiB receive), so it stays full.
    socket.write(blobRequests(120, MiB));
    // It keeps sending PINGs, so the heartbeat sees it alive: only the write stall can close it.
    const pinger = setInterval(() => socket.write(encodeFrame({ type: MessageType.Ping, seq: 0 })), 200);
    const seen = await maxBuffered(h, 800);
    expect(seen.perConnection).toBeGreaterThan(2 * MiB); // it did fill up
    expect(seen.perConnection).toBeLessThanOrEqual(4 * MiB + MiB + 64 * KiB);
    // It stays full: closed after writeStallTimeoutMs (1.5 s) with WriteBufferFullError.
    const started = Date.now();
    try {
      await waitFor(() => closes.some((e) => e instanceof WriteBufferFullError), 'closed for a full write buffer', 10_000);
    } finally {
      clearInterval(pinger);
    }
    // writeStallTimeoutMs=1500, checked every 500 ms, from when it went over half: well under 5 s.
    expect(Date.now() - started).toBeLessThan(5_000);
    socket.destroy();
    await waitFor(() => h.server.writeBufferBytes === 0, 'its bytes released from the server budget');
  });

  it('three such clients stay within maxServerWriteBufferBytes (6 MiB) together; new calls are refused meanwhile', async () => {
    const peers = await Promise.all([0, 1, 2].map(() => rawSocket(h.port, false)));
    for (const { socket } of peers) socket.write(blobRequests(100, 256 * KiB));
    await waitFor(() => h.server.writeBufferBytes >= 6 * MiB, 'the server budget used up');
    const client = h.client();
    await expect(firstValueFrom(client.send('sum', [1, 2]))).rejects.toBeInstanceOf(ServerOverloadedError);
    const seen = await maxBuffered(h, 500);
    // Over the budget, answers are dropped: each connection may finish the answer that crossed it.
    expect(seen.total).toBeLessThanOrEqual(6 * MiB + 3 * (256 * KiB + 64 * KiB));
    for (const { socket } of peers) socket.destroy();
    await waitFor(() => h.server.writeBufferBytes < 64 * KiB, 'budget released');
    await expect(firstValueFrom(client.send('sum', [1, 2]))).resolves.toBe(3);
  });
});
