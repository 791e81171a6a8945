import { firstValueFrom } from 'rxjs';
import { JsonSerializer, MsgpackSerializer, Serializer } from '@nestrpc/transport';
// Internal to the transport: the test reaches the codec and the arena by path.
import { encodeFrame, FrameDecoder, MessageType } from '@nestrpc/transport/protocol';
import { FRAME_ARENA_MAX_BYTES, frameArena } from '@nestrpc/transport/connection/frame-arena';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The answer's length for request `seq`: they differ, so an answer overwritten by another shows. */
const replyLength = (seq: number, replyBytes: number): number => replyBytes + (seq % 61);

/** `count` requests for answers of about `replyBytes` characters (`replyLength`), sent at once. */
function blobRequests(serializer: Serializer, count: number, replyBytes: number): Buffer {
  const frames = Array.from({ length: count }, (_, i) => {
    const body = serializer.serialize(replyLength(i + 1, replyBytes), { pattern: 'blob', kind: 'request' });
    return encodeFrame({ type: MessageType.Request, serializerId: serializer.id, seq: i + 1, meta: { pattern: 'blob' }, body });
  });
  return Buffer.concat([encodeFrame({ type: MessageType.Ping, seq: 0 }), ...frames]);
}

/**
 * msgpack answers are packed into the frame arena, and JSON answers of 4 KiB and more are
 * encoded into it; a frame the peer does not read keeps its slab from being reused. Peers that
 * never read must not make the arena grow past its bound: past it, answers are allocated as
 * without an arena, and calls go on.
 */
describe.each([
  ['msgpack', () => new MsgpackSerializer()],
  ['json', () => new JsonSerializer()],
] as const)('the frame arena under peers that never read (%s answers)', (name, makeSerializer) => {
  const serializer: Serializer = makeSerializer();
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer({ serializers: ['msgpack', 'json'], maxWriteBufferBytes: 8 * MiB, maxServerWriteBufferBytes: 64 * MiB, writeStallTimeoutMs: 60_000 });
  });

  afterAll(() => h.close());

  it(`holds at most ${FRAME_ARENA_MAX_BYTES / MiB} MiB while 6 × 480 answers of 16 KiB sit unread, answers a reading client meanwhile, delivers every answer intact to a late reader, and gets its slabs back after`, async () => {
    const peers = await Promise.all([0, 1, 2, 3, 4, 5].map(() => rawSocket(h.port, false)));
    frameArena.resetPeak();
    const late = await rawSocket(h.port, false);
    try {
      late.socket.write(blobRequests(serializer, 480, 16 * KiB));
      // 7.5 MiB of answers per peer: more than its socket buffers take, less than its write bound (8 MiB).
      for (const { socket } of peers) socket.write(blobRequests(serializer, 480, 16 * KiB));
      // The kernel takes ~4 MiB of each: the rest (~3.5 MiB each, 21 MiB in all) waits in the server.
      await waitFor(() => h.server.writeBufferBytes >= 6 * 3 * MiB, 'the answers queued unread');
      const client = h.client({ serializer: name });
      const answers = await Promise.all(Array.from({ length: 50 }, () => firstValueFrom(client.send<string>('blob', 16 * KiB))));
      expect(answers.every((a) => a === 'b'.repeat(16 * KiB))).toBe(true);
      const maxHeld = frameArena.peakHeldBytes;

      // A peer that reads at last gets every answer intact: no slab was reused under a frame it still waited for.
      const decoder = new FrameDecoder();
      const answersBySeq = new Map<number, unknown>();
      late.socket.on('data', (chunk: Buffer) =>
        decoder.feed(chunk, (frame) => frame.type === MessageType.Response && answersBySeq.set(frame.seq, serializer.deserialize(Buffer.from(frame.body!), { pattern: 'blob', kind: 'response' }))),
      );
      late.socket.resume();
      await waitFor(() => answersBySeq.size === 480 || decoder.error !== undefined, 'the late reader got its 480 answers', 10_000);
      expect(decoder.error).toBeUndefined();
      const wrong = [...answersBySeq].filter(([seq, body]) => body !== 'b'.repeat(replyLength(seq, 16 * KiB)));
      expect(wrong.map(([seq]) => seq)).toEqual([]);
      expect(maxHeld).toBeGreaterThan(FRAME_ARENA_MAX_BYTES - 1 * MiB); // the unread answers pinned slabs up to the bound
      expect(maxHeld).toBeLessThanOrEqual(FRAME_ARENA_MAX_BYTES);
    } finally {
      late.socket.destroy();
      for (const { socket } of peers) socket.destroy();
    }
    // Their frames come back as the connections close: only spare slabs (≤ 8) and the current one stay.
    await waitFor(() => frameArena.heldBytes <= 9 * 256 * KiB, 'the pinned slabs given back');
  }, 30_000);
});
