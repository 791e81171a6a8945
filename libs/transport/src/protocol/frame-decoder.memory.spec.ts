import { heldMemory } from '../../../../test/support/heap';
import { FrameDecoder } from './frame-decoder';
import { encodeFrame } from './frame-encoder';
import { MessageType } from './message-type';

describe('FrameDecoder memory for a dripping peer', () => {
  it('holds a partial frame fed one byte per chunk in about its own size (was ~20–110 bytes per byte)', () => {
    const body = Buffer.alloc(512 * 1024, 7);
    const frame = encodeFrame({ type: MessageType.Request, serializerId: 1, seq: 1, meta: { pattern: 'p' }, body }, 1024 * 1024);
    const dripped = 200_000;
    const decoder = new FrameDecoder();
    const before = heldMemory();
    // Each chunk is its own Buffer, as a socket delivers one TCP segment.
    for (let i = 0; i < dripped; i++) decoder.feed(Buffer.from([frame[i]]), () => undefined);
    const held = heldMemory() - before;
    expect(decoder.bufferedBytes).toBe(dripped);
    expect(decoder.heldBytes).toBeLessThanOrEqual(2 * dripped);
    // Bound: the buffer (≤ 2× the bytes) plus 64 KiB of measurement noise. The old decoder held ≥ 4 MB here.
    expect(held).toBeLessThan(2 * dripped + 64 * 1024);
    let frames = 0;
    decoder.feed(frame.subarray(dripped), () => frames++);
    expect(frames).toBe(1);
    expect(decoder.heldBytes).toBe(0);
  });

  it('never grows the partial buffer beyond the declared frame size', () => {
    const frame = encodeFrame({ type: MessageType.Request, serializerId: 1, seq: 1, body: Buffer.alloc(3000) }, 1 << 20);
    const decoder = new FrameDecoder();
    let max = 0;
    for (let i = 0; i < frame.length - 1; i++) {
      decoder.feed(frame.subarray(i, i + 1), () => undefined);
      max = Math.max(max, decoder.heldBytes);
    }
    expect(max).toBe(frame.length);
  });
});
