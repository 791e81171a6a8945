import { fuzzSeed, seededRandom } from '../../../../test/support/seeded-random';
import { ProtocolError } from '../errors/protocol.error';
import { HEADER_BYTES, HeaderOffset } from './constants';
import { Frame, OutgoingFrame } from './frame';
import { FrameDecoder } from './frame-decoder';
import { encodeFrame } from './frame-encoder';
import { FrameFlags } from './frame-flags';
import { MessageType } from './message-type';

/** Reproduce a failure with FUZZ_SEED=<seed printed in the suite's name> (test/support/seeded-random.ts). */
const SEED = fuzzSeed();
const MAX_FRAME_BYTES = 4096;
const RANDOM_CASES = 40_000;
const MUTATED_CASES = 40_000;
const VALID_CASES = 20_000;
const TYPES = Object.values(MessageType).filter((v): v is MessageType => typeof v === 'number');

const random = seededRandom(SEED);
const int = (max: number): number => Math.floor(random() * max);

/** Random bytes drawn once from the seeded PRNG; cases take slices of it (much cheaper per case). */
const POOL = Buffer.from(Array.from({ length: 1 << 16 }, () => int(256)));
const randomBytes = (length: number): Buffer => {
  const start = int(POOL.length - length);
  return Buffer.from(POOL.subarray(start, start + length));
};

function randomFrame(): OutgoingFrame {
  const withBody = random() < 0.7;
  return {
    type: TYPES[int(TYPES.length)],
    serializerId: withBody ? 1 + int(3) : int(4), // a body always names its serializer
    flags: int(256) & ~FrameFlags.NoBody,
    seq: int(0x100000000),
    meta: random() < 0.5 ? undefined : { pattern: `p${int(1000)}`, timeoutMs: int(60_000), headers: random() < 0.5 ? { k: 'v✓' } : undefined },
    body: withBody ? randomBytes(int(200)) : undefined,
  };
}

/** Splits `bytes` into 1..8 random chunks (often single bytes). */
function chunk(bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const size = random() < 0.2 ? 1 : 1 + int(Math.max(1, bytes.length >> int(4)));
    chunks.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return chunks;
}

function mutate(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (int(5)) {
    case 0:
      for (let flips = 1 + int(4); flips > 0; flips--) {
        const at = int(out.length);
        out[at] ^= 1 << int(8);
      }
      return out;
    case 1:
      return out.subarray(0, int(out.length));
    case 2:
      out.writeUInt32BE(random() < 0.5 ? int(0x100000000) : int(2 * MAX_FRAME_BYTES), HeaderOffset.BodyLength);
      return out;
    case 3:
      out.writeUInt16BE(int(0x10000), HeaderOffset.MetadataLength);
      return out;
    default:
      out[int(Math.min(out.length, HEADER_BYTES + 8))] = int(256);
      return out;
  }
}

interface Outcome {
  frames: Frame[];
  error: ProtocolError | undefined;
  problem: string | undefined;
}

/** Feeds the chunks and checks the invariants that must hold for any input. */
function feedAll(chunks: Buffer[]): Outcome {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES, knownSerializerIds: [1, 2, 3] });
  const frames: Frame[] = [];
  let error: ProtocolError | undefined;
  for (const c of chunks) {
    let returned: unknown;
    try {
      returned = decoder.feed(c, (f) => frames.push({ ...f, body: f.body && Buffer.from(f.body) }));
    } catch (err) {
      return { frames, error, problem: `feed() threw ${String(err)}` };
    }
    if (returned !== undefined && !(returned instanceof ProtocolError)) return { frames, error, problem: `returned ${String(returned)}` };
    if (error !== undefined && returned !== error) return { frames, error, problem: 'a failed decoder recovered' };
    error = returned as ProtocolError | undefined;
    if (decoder.bufferedBytes > MAX_FRAME_BYTES + HEADER_BYTES) return { frames, error, problem: `buffered ${decoder.bufferedBytes} bytes` };
  }
  return { frames, error, problem: undefined };
}

function sameFrame(got: Frame, sent: OutgoingFrame): boolean {
  const body = sent.body === undefined ? undefined : Buffer.from(sent.body);
  return (
    got.type === sent.type &&
    got.serializerId === sent.serializerId &&
    got.flags === ((sent.flags ?? 0) | (body === undefined ? FrameFlags.NoBody : 0)) &&
    got.seq === sent.seq &&
    got.meta.pattern === sent.meta?.pattern &&
    got.meta.timeoutMs === sent.meta?.timeoutMs &&
    got.meta.headers?.k === sent.meta?.headers?.k &&
    (body === undefined ? got.body === undefined : got.body !== undefined && body.equals(got.body))
  );
}

describe(`FrameDecoder fuzz (FUZZ_SEED=${SEED} replays this run)`, () => {
  it(`survives ${RANDOM_CASES} random byte strings`, () => {
    for (let i = 0; i < RANDOM_CASES; i++) {
      const bytes = randomBytes(int(64));
      // half the cases start with a valid magic and version so the deeper checks are reached
      if (bytes.length >= 3 && i % 2 === 0) bytes.writeUInt16BE(0x4e52, 0), (bytes[2] = 1);
      const { problem } = feedAll(chunk(bytes));
      if (problem !== undefined) throw new Error(`case ${i}: ${problem} on ${bytes.toString('hex')}`);
    }
  });

  it(`survives ${MUTATED_CASES} mutated valid streams`, () => {
    for (let i = 0; i < MUTATED_CASES; i++) {
      const stream = Buffer.concat(Array.from({ length: 1 + int(3) }, () => encodeFrame(randomFrame())));
      const bytes = mutate(stream);
      const { problem } = feedAll(chunk(bytes));
      if (problem !== undefined) throw new Error(`case ${i}: ${problem} on ${bytes.toString('hex')}`);
    }
  });

  it(`decodes ${VALID_CASES} valid streams identically under random chunking`, () => {
    for (let i = 0; i < VALID_CASES; i++) {
      const sent = Array.from({ length: 1 + int(5) }, randomFrame);
      const bytes = Buffer.concat(sent.map((f) => encodeFrame(f)));
      const { frames, error, problem } = feedAll(chunk(bytes));
      const identical = problem === undefined && error === undefined && frames.length === sent.length && frames.every((f, k) => sameFrame(f, sent[k]));
      if (!identical) throw new Error(`case ${i}: ${problem ?? error?.message ?? 'frames differ'} on ${bytes.toString('hex')}`);
    }
  });
});
