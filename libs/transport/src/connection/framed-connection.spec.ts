import { once } from 'events';
import { AddressInfo, connect, createServer, Server, Socket } from 'net';
import { HeartbeatTimeoutError } from '../errors/heartbeat-timeout.error';
import { BadMagicError } from '../errors/bad-magic.error';
import { Frame } from '../protocol/frame';
import { MessageType } from '../protocol/message-type';
import { EARLY_FLUSH_BYTES, EARLY_FLUSH_FRAMES, FIRST_EARLY_FLUSH_FRAMES, WRITEV_MIN_AVERAGE_BYTES } from './constants';
import { encodeFrame } from '../protocol/frame-encoder';
import { FramedConnection } from './framed-connection';
import { ConnectionHandler } from './connection-handler';
import { FramedConnectionOptions } from './framed-connection.options';
import { SharedBufferReads } from './shared-read-buffer';
import { FrameArena, frameArena } from './frame-arena';

/** A frame copied into the process's frame arena and claimed there, as the msgpack serializer leaves one. */
function arenaFrame(seq: number, bodyBytes: number): Buffer {
  const encoded = encodeFrame({ type: MessageType.Event, seq, serializerId: 1, body: Buffer.alloc(bodyBytes, seq) });
  const region = frameArena.region(encoded.length)!;
  const frame = region.bytes.subarray(region.offset, region.offset + encoded.length);
  encoded.copy(frame);
  expect(frameArena.claim(frame)).toBe(true);
  return frame;
}

interface Side {
  connection: FramedConnection;
  frames: Frame[];
  closed: Promise<Error | undefined>;
}

function side(socket: Socket, options: FramedConnectionOptions = {}, busy = false): Side {
  const frames: Frame[] = [];
  let resolveClosed!: (error: Error | undefined) => void;
  const closed = new Promise<Error | undefined>((resolve) => (resolveClosed = resolve));
  const handler: ConnectionHandler = {
    onFrame: (frame) => frames.push(frame),
    onClose: (error) => resolveClosed(error),
    isBusy: () => busy,
  };
  return { connection: new FramedConnection(socket, handler, options), frames, closed };
}

/** Until `side` has received `count` frames (turn by turn). */
async function framesArrive(side: Side, count: number): Promise<void> {
  while (side.frames.length < count) await new Promise((resolve) => setImmediate(resolve));
}

/** Closes `a` and waits for both ends to see the close. */
async function closePair(a: Side, b: Side): Promise<void> {
  a.connection.close();
  await Promise.all([a.closed, b.closed]);
}

/** 1, 2, …, n: the sequence ids of n frames sent in order. */
function seqs(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

describe('FramedConnection', () => {
  let server: Server;
  let accepted: Promise<Socket>;

  beforeEach(async () => {
    let accept!: (socket: Socket) => void;
    accepted = new Promise((resolve) => (accept = resolve));
    server = createServer(accept);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function pair(clientOptions: FramedConnectionOptions = {}, serverOptions: FramedConnectionOptions = {}, serverBusy = false): Promise<[Side, Side, Socket]> {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    const a = side(socket, clientOptions);
    const b = side(await accepted, serverOptions, serverBusy);
    return [a, b, socket];
  }

  it('sends a turn\'s first frame at once when nothing is unsent, and the next few together at the end of the turn, in order', async () => {
    const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
    const write = jest.spyOn(socket, 'write');
    const count = FIRST_EARLY_FLUSH_FRAMES;
    a.connection.send({ type: MessageType.Event, seq: 1, serializerId: 1, meta: { pattern: 'e' }, body: Buffer.from([1]) });
    expect(write).toHaveBeenCalledTimes(1); // the peer is likely waiting for it: no wait for the end of the turn
    for (let seq = 2; seq <= count; seq++) a.connection.send({ type: MessageType.Event, seq, serializerId: 1, meta: { pattern: 'e' }, body: Buffer.from([seq]) });
    expect(write).toHaveBeenCalledTimes(1); // the rest leave together when the turn ends
    await framesArrive(b, count);
    expect(write).toHaveBeenCalledTimes(2);
    expect(b.frames.map((f) => f.seq)).toEqual(seqs(count));
    await closePair(a, b);
  });

  it('writes the start of a big turn at once, then batches that double up to the cap', async () => {
    const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
    const write = jest.spyOn(socket, 'write');
    const writesAfter: number[] = [];
    const total = 4 * EARLY_FLUSH_FRAMES;
    for (let seq = 1; seq <= total; seq++) {
      a.connection.send({ type: MessageType.Event, seq, serializerId: 1, body: Buffer.from([1]) });
      writesAfter.push(write.mock.calls.length);
    }
    // The first frame at once (idle socket), then batches of 16, 32, 64, 64, ... frames (FlushSchedule).
    const expectedAt = [1];
    for (let at = 1, step = 2 * FIRST_EARLY_FLUSH_FRAMES; at + step <= total; step = Math.min(step * 2, EARLY_FLUSH_FRAMES)) expectedAt.push((at += step));
    expect(expectedAt.slice(0, 4)).toEqual([1, 17, 49, 113]);
    // The frame count after which each write happened, synchronously inside send().
    const flushedAt = writesAfter.flatMap((writes, i) => (writes > (writesAfter[i - 1] ?? 0) ? [i + 1] : []));
    expect(flushedAt).toEqual(expectedAt);
    await framesArrive(b, total);
    expect(b.frames.map((f) => f.seq)).toEqual(seqs(total));
    await closePair(a, b);
  });

  it('starts every turn small again, and writes at the byte threshold whatever the frame count', async () => {
    const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
    const write = jest.spyOn(socket, 'write');
    for (let seq = 1; seq <= 3 * FIRST_EARLY_FLUSH_FRAMES; seq++) a.connection.send({ type: MessageType.Event, seq, serializerId: 1, body: Buffer.from([1]) });
    expect(write).toHaveBeenCalledTimes(2); // frame 1, then frames 2..17
    await new Promise((resolve) => setImmediate(resolve)); // the turn ends
    write.mockClear();
    a.connection.send({ type: MessageType.Event, seq: 100, serializerId: 1, body: Buffer.from([1]) });
    expect(write).toHaveBeenCalledTimes(1); // a new turn: its first frame leaves at once again
    a.connection.send({ type: MessageType.Event, seq: 999, serializerId: 1, body: Buffer.alloc(EARLY_FLUSH_BYTES) });
    expect(write).toHaveBeenCalledTimes(2); // one frame over the byte threshold leaves at once
    await framesArrive(b, 3 * FIRST_EARLY_FLUSH_FRAMES + 2);
    await closePair(a, b);
  });

  it('hands big frames to the socket as they are (no copy) and copies small ones into one buffer', async () => {
    const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
    const write = jest.spyOn(socket, 'write');
    const big = [1, 2, 3].map((seq) => encodeFrame({ type: MessageType.Event, seq, serializerId: 1, body: Buffer.alloc(WRITEV_MIN_AVERAGE_BYTES, seq) }));
    for (const frame of big) a.connection.write(frame);
    await new Promise((resolve) => setImmediate(resolve));
    // The first leaves at once (idle socket), the other two corked into one writev: each its own buffer, never copied.
    expect(write.mock.calls.map(([chunk]) => chunk)).toEqual(big);
    write.mock.calls.forEach(([chunk], i) => expect(chunk).toBe(big[i]));
    await framesArrive(b, 3);
    write.mockClear();
    const small = [4, 5, 6].map((seq) => encodeFrame({ type: MessageType.Event, seq, serializerId: 1, body: Buffer.from([seq]) }));
    for (const frame of small) a.connection.write(frame);
    await new Promise((resolve) => setImmediate(resolve));
    expect(write.mock.calls.map(([chunk]) => (chunk as Buffer).length)).toEqual([small[0].length, small[1].length + small[2].length]); // the last two copied into one buffer
    await framesArrive(b, 6);
    expect(b.frames.map((f) => [f.seq, f.body?.[0]])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6]]);
    await closePair(a, b);
  });

  describe('frames from the frame arena', () => {
    let released: Buffer[];
    let release: jest.SpyInstance;
    beforeEach(() => {
      released = [];
      const original = frameArena.release.bind(frameArena);
      release = jest.spyOn(frameArena, 'release').mockImplementation((frame: Buffer) => {
        if (FrameArena.owns(frame)) released.push(frame);
        original(frame);
      });
    });
    afterEach(() => release.mockRestore());

    it('gives each frame handed to the socket back once, when its write completed, not before', async () => {
      const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
      try {
        const completed: Buffer[] = [];
        const early: Buffer[] = [];
        const realWrite = socket.write.bind(socket) as (chunk: Buffer, cb?: (err?: Error) => void) => boolean;
        jest.spyOn(socket, 'write').mockImplementation(((chunk: Buffer, cb?: (err?: Error) => void) =>
          realWrite(chunk, (err?: Error) => {
            completed.push(chunk);
            cb?.(err);
            // What the arena got back so far must all be written already.
            early.push(...released.filter((frame) => !completed.includes(frame)));
          })) as typeof socket.write);
        const big = [1, 2, 3].map((seq) => arenaFrame(seq, WRITEV_MIN_AVERAGE_BYTES)); // the first alone, the rest corked
        for (const frame of big) a.connection.write(frame);
        const atOnce = [...released];
        await framesArrive(b, 3);
        await new Promise((resolve) => setImmediate(resolve));
        expect(atOnce).toEqual([]); // handed to the socket, not yet written
        expect(early).toEqual([]);
        expect([...released].sort((x, y) => x.byteOffset - y.byteOffset)).toEqual(big);
        expect(new Set(released).size).toBe(3);
      } finally {
        await closePair(a, b);
      }
    });

    it('gives small frames back as soon as they are copied into one buffer', async () => {
      const [a, b] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
      a.connection.write(encodeFrame({ type: MessageType.Event, seq: 1, serializerId: 1, body: Buffer.from([1]) })); // leaves at once
      const small = [2, 3, 4].map((seq) => arenaFrame(seq, 1));
      for (const frame of small) a.connection.write(frame);
      expect(released).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve)); // the turn ends: copied and written
      expect(released).toEqual(small);
      await framesArrive(b, 4);
      expect(b.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
      await closePair(a, b);
    });

    it('gives back frames it drops: written after the close, or still queued when the socket closed', async () => {
      const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
      a.connection.write(arenaFrame(1, 10)); // leaves at once
      const queued = [arenaFrame(2, 10), arenaFrame(3, 10)];
      for (const frame of queued) a.connection.write(frame);
      socket.destroy(); // before the turn ends: the two never reach the socket
      await a.closed;
      expect(released).toEqual(expect.arrayContaining(queued));
      const late = arenaFrame(4, 10);
      a.connection.write(late);
      expect(released).toContain(late);
      await b.closed;
      await new Promise((resolve) => setImmediate(resolve));
      // Each exactly once, the first (written or failed by the destroy) included.
      expect(released).toHaveLength(4);
      expect(new Set(released).size).toBe(4);
    });
  });

  it('answers PING with PONG itself and hands neither to the handler', async () => {
    const [a, b] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
    a.connection.send({ type: MessageType.Ping, seq: 42 });
    a.connection.send({ type: MessageType.Event, seq: 1, meta: { pattern: 'after' } });
    await framesArrive(b, 1);
    expect(b.frames.map((f) => f.type)).toEqual([MessageType.Event]);
    expect(a.frames).toEqual([]);
    await closePair(a, b);
  });

  it('keeps a quiet but live connection open through heartbeats', async () => {
    const [a, b] = await pair({ heartbeatIntervalMs: 30, missedHeartbeats: 2 }, { heartbeatIntervalMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(a.connection.isOpen).toBe(true);
    a.connection.close();
    await expect(a.closed).resolves.toBeUndefined();
    await b.closed;
  });

  it('closes with the protocol error when the peer sends garbage', async () => {
    const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0 });
    socket.write(Buffer.from('garbage-bytes-here'));
    await expect(b.closed).resolves.toBeInstanceOf(BadMagicError);
    await a.closed;
  });

  it('closes an idle connection, but not one with calls in flight', async () => {
    const [a, b] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0, idleTimeoutMs: 40 });
    await expect(b.closed).resolves.toBeUndefined();
    await a.closed;

    const [c, d] = await pairAgain({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 0, idleTimeoutMs: 40 }, true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(d.connection.isOpen).toBe(true);
    c.connection.close();
    await Promise.all([c.closed, d.closed]);
  });

  async function pairAgain(...args: Parameters<typeof pair>): Promise<[Side, Side, Socket]> {
    let accept!: (socket: Socket) => void;
    accepted = new Promise((resolve) => (accept = resolve));
    server.removeAllListeners('connection');
    server.on('connection', accept);
    return pair(...args);
  }

  it('sends one PING per silence and declares the peer dead after interval × missed of silence', async () => {
    const [a, , socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 100, missedHeartbeats: 2 });
    // The client side reads but never answers: count the PINGs the server side sends it.
    socket.removeAllListeners('data');
    let pings = 0;
    socket.on('data', (chunk: Buffer) => (pings += chunk.length / 16));
    const started = Date.now();
    const server = (await accepted) as Socket;
    await once(server, 'close');
    const elapsed = Date.now() - started;
    expect(pings).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(200 + 150);
    socket.destroy();
    await a.closed;
  });

  it('reports HeartbeatTimeoutError as the close reason', async () => {
    const [a, b, socket] = await pair({ heartbeatIntervalMs: 0 }, { heartbeatIntervalMs: 25, missedHeartbeats: 2 });
    // Freeze the client side completely: it neither reads nor answers.
    socket.removeAllListeners('data');
    socket.pause();
    await expect(b.closed).resolves.toBeInstanceOf(HeartbeatTimeoutError);
    socket.destroy(); // paused, it would never read the EOF
    await a.closed;
  });

  describe('reading into the shared buffer', () => {
    /** A connected socket reading through fresh SharedBufferReads, and the server's end of it. */
    async function sharedReadsPair(): Promise<{ reads: SharedBufferReads; socket: Socket; peer: Socket }> {
      const reads = new SharedBufferReads();
      const socket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', onread: reads.onread });
      await once(socket, 'connect');
      return { reads, socket, peer: await accepted };
    }

    /** A FramedConnection over `socket` whose handler records each frame's body as text when it is dispatched. */
    function recording(socket: Socket, options: FramedConnectionOptions): { ours: FramedConnection; bodies: string[] } {
      const bodies: string[] = [];
      const handler: ConnectionHandler = { onFrame: (frame) => bodies.push(String(frame.body)), onClose: () => undefined };
      return { ours: new FramedConnection(socket, handler, { heartbeatIntervalMs: 0, ...options }), bodies };
    }

    const event = (seq: number) => encodeFrame({ type: MessageType.Event, seq, serializerId: 1, meta: { pattern: 'e' }, body: Buffer.from(`event ${seq}`) });

    it('takes its chunks from the reads, not from data events, and decodes frames out of them', async () => {
      const { reads, socket, peer } = await sharedReadsPair();
      const { ours, bodies } = recording(socket, { reads });
      try {
        for (let seq = 1; seq <= 3; seq++) peer.write(event(seq));
        while (bodies.length < 3) await new Promise((resolve) => setImmediate(resolve));
        expect(bodies).toEqual(['event 1', 'event 2', 'event 3']);
      } finally {
        ours.close(new Error('test over'));
        peer.destroy();
      }
    });

    it('handles bytes read before it was created once its owner is constructed, then reads on', async () => {
      const { reads, socket, peer } = await sharedReadsPair();
      peer.write(Buffer.concat([event(1), event(2)])); // the peer speaks first
      while (reads.earlyBytes === 0) await new Promise((resolve) => setImmediate(resolve));
      const { ours, bodies } = recording(socket, { reads });
      try {
        expect(bodies).toEqual([]); // not from inside the constructor: the owner may not hold `ours` yet
        while (bodies.length < 2) await new Promise((resolve) => setImmediate(resolve));
        peer.write(event(3));
        while (bodies.length < 3) await new Promise((resolve) => setImmediate(resolve));
        expect(bodies).toEqual(['event 1', 'event 2', 'event 3']);
      } finally {
        ours.close(new Error('test over'));
        peer.destroy();
      }
    });

    it('keeps a copy of every frame it holds back (the next read overwrites the shared buffer)', async () => {
      const { reads, socket, peer } = await sharedReadsPair();
      const maxWriteBufferBytes = 1024 * 1024;
      const { ours, bodies } = recording(socket, { reads, pauseReadingWhenBackedUp: true, maxWriteBufferBytes });
      try {
        peer.pause(); // it stops reading: our outgoing bytes pile up past maxWriteBufferBytes
        const big = Buffer.alloc(1024 * 1024);
        while (ours.writableBytes < maxWriteBufferBytes * 2) {
          ours.send({ type: MessageType.Event, seq: 1, serializerId: 1, meta: { pattern: 'big' }, body: big });
          await new Promise((resolve) => setImmediate(resolve));
        }
        // Same-sized bodies, one write (so one read, at the start of the shared buffer) each.
        const sent = Array.from({ length: 5 }, (_, i) => `request ${i}`);
        for (const [i, text] of sent.entries()) {
          peer.write(encodeFrame({ type: MessageType.Request, seq: i + 1, serializerId: 1, meta: { pattern: 'p' }, body: Buffer.from(text) }));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect(bodies).toEqual([]); // all held back while the write buffer is full
        peer.resume(); // it reads again: our buffer drains and the held frames run, in order
        while (bodies.length < sent.length) await new Promise((resolve) => setImmediate(resolve));
        expect(bodies).toEqual(sent);
      } finally {
        ours.close(new Error('test over'));
        peer.destroy();
      }
    });
  });
});
