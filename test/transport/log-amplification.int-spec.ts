// The frame codec is internal to the transport; the raw-socket tests reach it by path.
import { encodeFrame, MessageType } from '@nestrpc/transport/protocol';
import { waitFor } from '../support/wait-for';
import { MathHarness, rawSocket, startMathServer } from './support';

/** A peer can trigger log lines at will; they must stay a bounded number (first of each reason + a count). */
describe('log amplification', () => {
  let h: MathHarness;
  const lines: string[] = [];

  beforeAll(async () => {
    h = await startMathServer();
    // The server's logger is protected (Nest's Server field); the test listens to it anyway.
    const logger = (h.server as unknown as { logger: Record<'warn' | 'error', (m: string) => void> }).logger;
    logger.warn = (m: string) => lines.push(m);
    logger.error = (m: string) => lines.push(m);
  });

  afterAll(() => h.close());

  beforeEach(() => (lines.length = 0));

  it('20 000 ignored frames log one WARN line, not 20 000', async () => {
    const { socket } = await rawSocket(h.port);
    const frame = encodeFrame({ type: MessageType.Response, seq: 1, serializerId: 1, body: Buffer.from('1') });
    socket.write(Buffer.concat(Array.from({ length: 20_000 }, () => frame)));
    socket.write(encodeFrame({ type: MessageType.Ping, seq: 7 }));
    await new Promise((resolve) => socket.once('data', resolve)); // the PONG: every frame before it was handled
    expect(lines.filter((m) => m.includes('Ignoring Response frame'))).toHaveLength(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    socket.destroy();
  });

  it('20 000 events for no handler log one line', async () => {
    const { socket } = await rawSocket(h.port);
    const frame = encodeFrame({ type: MessageType.Event, seq: 0, serializerId: 1, meta: { pattern: 'nobody' }, body: Buffer.from('1') });
    socket.write(Buffer.concat(Array.from({ length: 20_000 }, () => frame)));
    socket.write(encodeFrame({ type: MessageType.Ping, seq: 7 }));
    await new Promise((resolve) => socket.once('data', resolve));
    expect(lines.length).toBeLessThanOrEqual(2);
    socket.destroy();
  });

  it('200 connections closed for bad magic log one WARN line', async () => {
    const peers = await Promise.all(Array.from({ length: 200 }, () => rawSocket(h.port)));
    for (const { socket } of peers) socket.write('GET / HTTP/1.1\r\n\r\n');
    await Promise.all(peers.map((p) => p.closed));
    await waitFor(() => h.server.connectionCount === 0, 'every bad connection closed');
    expect(lines.filter((m) => m.includes('Bad frame magic'))).toHaveLength(1);
  });
});
