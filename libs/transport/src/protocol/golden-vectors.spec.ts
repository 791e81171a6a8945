import { readFileSync } from 'fs';
import { join } from 'path';
import { GOLDEN_VECTORS } from '../../../../test/fixtures/protocol/golden-vectors';
import { Frame } from './frame';
import { FrameDecoder } from './frame-decoder';
import { encodeFrame } from './frame-encoder';
import { FrameFlags } from './frame-flags';

const DOC = join(__dirname, '../../../../docs/protocol.md');

function decodeOne(bytes: Buffer): Frame {
  const frames: Frame[] = [];
  const error = new FrameDecoder().feed(bytes, (frame) => frames.push(frame));
  expect(error).toBeUndefined();
  expect(frames).toHaveLength(1);
  return frames[0];
}

describe('golden vectors', () => {
  const doc = readFileSync(DOC, 'utf8');

  it.each(GOLDEN_VECTORS.map((v) => [v.name, v] as const))('%s: encodes to the recorded bytes', (_, vector) => {
    expect(encodeFrame(vector.frame).toString('hex')).toBe(vector.hex);
  });

  it.each(GOLDEN_VECTORS.map((v) => [v.name, v] as const))('%s: decodes from the recorded bytes', (_, vector) => {
    const { frame } = vector;
    const decoded = decodeOne(Buffer.from(vector.hex, 'hex'));
    expect(decoded.type).toBe(frame.type);
    expect(decoded.serializerId).toBe(frame.serializerId ?? 0);
    expect(decoded.flags).toBe((frame.flags ?? 0) | (frame.body === undefined ? FrameFlags.NoBody : 0));
    expect(decoded.seq).toBe(frame.seq ?? 0);
    expect({ ...decoded.meta }).toEqual(frame.meta ?? {});
    expect(decoded.body).toEqual(frame.body === undefined ? undefined : Buffer.from(frame.body));
  });

  it.each(GOLDEN_VECTORS.map((v) => [v.name, v] as const))('%s: is listed verbatim in docs/protocol.md', (_, vector) => {
    expect(doc).toContain(vector.hex);
  });
});
