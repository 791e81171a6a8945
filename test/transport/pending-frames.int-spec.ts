import { PendingFramesLimitError } from '@nestrpc/transport';
// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, MessageType } from '@nestrpc/transport/protocol';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

const MiB = 1024 * 1024;

describe('bytes held in unfinished frames, server-wide', () => {
  let h: MathHarness;
  const closes: (Error | undefined)[] = [];

  beforeAll(async () => {
    h = await startMathServer({ maxFrameBytes: 1 * MiB, maxPendingFrameBytes: 4 * MiB });
    h.server.on('disconnect', (_peer, error) => closes.push(error));
  });

  afterAll(() => h.close());

  it('12 connections each 1 byte short of a 1 MiB frame hold at most maxPendingFrameBytes (4 MiB), not 12 MiB', async () => {
    const frame = encodeFrame({ type: MessageType.Request, serializerId: 1, seq: 1, meta: { pattern: 'echo' }, body: Buffer.alloc(MiB - 64, 0x20) }, MiB);
    const almost = frame.subarray(0, frame.length - 1);
    const peers = await Promise.all(Array.from({ length: 12 }, () => rawSocket(h.port)));
    let closedCount = 0;
    for (const p of peers) void p.closed.then(() => closedCount++);
    let maxHeld = 0;
    for (const { socket } of peers) {
      socket.write(encodeFrame({ type: MessageType.Ping, seq: 0 }));
      socket.write(almost);
    }
    await waitFor(() => {
      const stats = h.server.connectionStats();
      maxHeld = Math.max(maxHeld, h.server.pendingFrameBytes, stats.reduce((sum, c) => sum + c.pendingFrameHeldBytes, 0));
      return closedCount >= 8 && closes.length >= 8 && stats.every((c) => c.pendingFrameBytes === 0 || c.pendingFrameBytes === almost.length);
    }, 'the connections over the cap closed and the rest fully received');
    expect(h.server.connectionStats().filter((c) => c.pendingFrameBytes === almost.length).length).toBeLessThanOrEqual(4);
    expect(h.server.pendingFrameBytes).toBeLessThanOrEqual(4 * MiB);
    expect(maxHeld).toBeLessThanOrEqual(4 * MiB);
    expect(closes.some((e) => e instanceof PendingFramesLimitError)).toBe(true);
    for (const { socket } of peers) socket.destroy();
    await waitFor(() => h.server.connectionCount === 0 && h.server.pendingFrameBytes === 0, 'budget released on close');
  });

  it('a frame completed in time still gets its answer', async () => {
    const client = h.client();
    await expect(client.send('echo', 'x'.repeat(600 * 1024)).toPromise()).resolves.toHaveLength(600 * 1024);
  });
});
