import { setTimeout as sleep } from 'timers/promises';
import { StreamBackpressureError } from '@nestrpc/transport';
// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, MessageType } from '@nestrpc/transport/protocol';
import { MathController } from './fixtures/math.controller';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

const KiB = 1024;
const MiB = 1024 * KiB;
const JSON_ID = 1;

const request = (seq: number, pattern: string, body: unknown) =>
  encodeFrame({ type: MessageType.Request, serializerId: JSON_ID, seq, meta: { pattern }, body: Buffer.from(JSON.stringify(body)) });

describe('streams respect backpressure', () => {
  let h: MathHarness;

  beforeAll(async () => {
    h = await startMathServer({ maxWriteBufferBytes: 2 * MiB });
  });

  afterAll(() => h.close());

  it('an endless stream to a client that never reads stops after ~maxWriteBufferBytes of values (old: unbounded)', async () => {
    const { socket } = await rawSocket(h.port, false);
    MathController.produced = 0;
    socket.write(Buffer.concat([encodeFrame({ type: MessageType.Ping, seq: 0 }), request(1, 'firehose', KiB)]));
    await waitFor(() => MathController.produced > 0 && h.server.inFlightCount === 0, 'the stream to end');
    const producedAtEnd = MathController.produced;
    await sleep(300);
    // Held by the server: ≤ maxWriteBufferBytes. Produced: that plus what the kernel's socket buffers
    // took (Linux loopback: tcp_wmem max 4 MiB + tcp_rmem max 32 MiB), in ~1 KiB values. The old server never stopped.
    expect(MathController.produced).toBe(producedAtEnd);
    expect(producedAtEnd).toBeLessThanOrEqual((2 * MiB + 36 * MiB) / KiB + 128);
    for (const c of h.server.connectionStats()) expect(c.writableBytes).toBeLessThanOrEqual(2 * MiB + 64 * KiB);
    socket.destroy();
  });

  it('cancel (unsubscribe) from a reading client stops production on the server', async () => {
    const client = h.client();
    MathController.produced = 0;
    // A reader that keeps up gets values; unsubscribing (CANCEL) stops production on the server.
    const values: string[] = [];
    const subscription = client.send<string>('firehose', 16).subscribe({ next: (v) => values.push(v), error: () => undefined });
    await waitFor(() => values.length > 100, 'values flowing');
    subscription.unsubscribe();
    await waitFor(() => h.server.inFlightCount === 0, 'the stream cancelled on the server');
    const after = MathController.produced;
    await sleep(200);
    expect(MathController.produced).toBe(after);
  });

  it('cancel reaches the server while the connection is backed up', async () => {
    const { socket } = await rawSocket(h.port, false);
    socket.write(Buffer.concat([encodeFrame({ type: MessageType.Ping, seq: 0 }), request(1, 'slow', 60_000)]));
    await waitFor(() => h.server.inFlightCount === 1, 'the slow call running');
    socket.write(Buffer.concat(Array.from({ length: 200 }, (_, i) => request(i + 2, 'blob', 256 * KiB))));
    await waitFor(() => h.server.connectionStats().some((c) => c.writableBytes >= 2 * MiB), 'the write buffer full');
    socket.write(encodeFrame({ type: MessageType.Cancel, seq: 1 }));
    await waitFor(() => h.server.inFlightCount === 0, 'the slow call cancelled');
    socket.destroy();
  });
});
