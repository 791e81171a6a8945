import { runWithGc } from '../../../../test/support/child-process';
import { resolve } from 'path';
import { FrameArena } from './frame-arena';

const KiB = 1024;

/** Writes `length` bytes of `fill` where the arena says, and claims them: what a serializer does. */
function carve(arena: FrameArena, length: number, fill: number, minBytes = length): Buffer | undefined {
  const region = arena.region(minBytes);
  if (region === undefined) return undefined;
  const frame = region.bytes.subarray(region.offset, region.offset + length).fill(fill);
  expect(arena.claim(frame)).toBe(true);
  return frame;
}

describe('FrameArena', () => {
  it('carves frames one after another, word-aligned, without overwriting any in use', () => {
    const arena = new FrameArena(4 * KiB, 64 * KiB);
    const frames = [carve(arena, 100, 1)!, carve(arena, 3, 2)!, carve(arena, 500, 3)!];
    expect(frames[0].buffer).toBe(frames[1].buffer);
    expect(frames[1].byteOffset).toBe(frames[0].byteOffset + 104);
    expect(frames[2].byteOffset % 8).toBe(0);
    frames.forEach((frame, i) => expect(frame.every((b) => b === i + 1)).toBe(true));
    expect(FrameArena.owns(frames[0])).toBe(true);
    expect(FrameArena.owns(Buffer.alloc(10))).toBe(false);
  });

  it('allocates claimed frames for a caller that writes them itself, and none past a slab or the bound', () => {
    const arena = new FrameArena(4 * KiB, 8 * KiB);
    const a = arena.allocate(1000)!;
    const b = arena.allocate(2000)!;
    expect(a.length).toBe(1000);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(1000); // a's end, word-aligned
    expect(FrameArena.owns(a) && FrameArena.owns(b)).toBe(true);
    expect(arena.allocate(4 * KiB + 1)).toBeUndefined(); // more than a slab holds
    const c = arena.allocate(3 * KiB)!; // does not fit after b: the second and last slab
    expect(c.buffer).not.toBe(a.buffer);
    expect(arena.allocate(2 * KiB)).toBeUndefined(); // at the bound (8 KiB held, nothing back)
    arena.release(a);
    arena.release(b); // the first slab is spare again
    expect(arena.allocate(2 * KiB)!.buffer).toBe(a.buffer);
    expect(arena.heldBytes).toBe(8 * KiB);
  });

  it('moves to another slab when the current one lacks the room asked for, and reuses a slab once all its frames are back', () => {
    const arena = new FrameArena(4 * KiB, 64 * KiB);
    const a = carve(arena, 3 * KiB, 1)!;
    const b = carve(arena, 2 * KiB, 2)!; // does not fit after a: next slab
    expect(b.buffer).not.toBe(a.buffer);
    expect(arena.heldBytes).toBe(8 * KiB);
    arena.release(a); // a's slab is not current and has nothing out: spare
    const c = carve(arena, 3 * KiB, 3)!; // does not fit after b: the spare slab, from its start
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(0);
    expect(arena.heldBytes).toBe(8 * KiB);
    expect(b.every((x) => x === 2)).toBe(true);
  });

  it('never hands out memory of a frame still out: a slab with one frame out is not reused', () => {
    const arena = new FrameArena(4 * KiB, 64 * KiB);
    const kept = carve(arena, 1 * KiB, 7)!;
    const gone = carve(arena, 2 * KiB, 8)!;
    arena.release(gone);
    for (let i = 0; i < 40; i++) {
      const frame = carve(arena, 3 * KiB, i)!;
      expect(frame.buffer).not.toBe(kept.buffer);
      arena.release(frame);
    }
    expect(kept.every((x) => x === 7)).toBe(true);
  });

  it('holds at most its bound: past it, no region (frames are allocated as without an arena)', () => {
    const arena = new FrameArena(4 * KiB, 16 * KiB);
    const out: Buffer[] = [];
    for (let i = 0; i < 4; i++) out.push(carve(arena, 3 * KiB, i)!);
    expect(arena.heldBytes).toBe(16 * KiB);
    expect(arena.region(3 * KiB)).toBeUndefined();
    expect(arena.heldBytes).toBe(16 * KiB);
    expect(arena.peakHeldBytes).toBe(16 * KiB);
    // A slab comes back once its frame does.
    arena.release(out[0]);
    expect(carve(arena, 3 * KiB, 9)?.buffer).toBe(out[0].buffer);
    expect(arena.region(5 * KiB)).toBeUndefined(); // more than a slab
  });

  it('does not claim a frame written elsewhere (the writer needed more room than it was given)', () => {
    const arena = new FrameArena(4 * KiB, 16 * KiB);
    const region = arena.region(1 * KiB)!;
    expect(arena.claim(Buffer.alloc(2 * KiB))).toBe(false);
    // The region is still free for the next frame.
    expect(arena.region(1 * KiB)).toEqual(region);
    expect(() => arena.release(Buffer.alloc(10))).not.toThrow();
  });

  it('keeps at most 8 spare slabs and lets the rest go, uncounted', () => {
    const arena = new FrameArena(4 * KiB, 1024 * KiB);
    const frames = Array.from({ length: 12 }, (_, i) => carve(arena, 3 * KiB, i)!);
    expect(arena.heldBytes).toBe(48 * KiB);
    for (const frame of frames) arena.release(frame);
    // 11 slabs retired with nothing out: 8 kept, 3 dropped; the current one stays.
    expect(arena.heldBytes).toBe((8 + 1) * 4 * KiB);
  });

  it('uncounts a slab whose frames were dropped unreleased once the GC frees it, so dropped frames cannot use the bound up', () => {
    const script = `
      const { FrameArena } = require(${JSON.stringify(resolve(__dirname, 'frame-arena'))});
      const arena = new FrameArena(4096, 16384);
      const carve = () => { const r = arena.region(3000); const f = r.bytes.subarray(r.offset, r.offset + 3000); arena.claim(f); };
      for (let i = 0; i < 4; i++) carve();
      const full = arena.heldBytes;
      const refused = arena.region(3000) === undefined;
      const until = Date.now() + 5000;
      const wait = () => {
        gc();
        if (arena.heldBytes > 0 && Date.now() < until) return setTimeout(wait, 10);
        process.stdout.write(JSON.stringify({ full, refused, after: arena.heldBytes, again: arena.region(3000) !== undefined }));
      };
      setTimeout(wait, 0);`;
    const out = JSON.parse(runWithGc(script)) as Record<string, unknown>;
    // All four slabs were retired with a frame out (the refused region retired the last one) and freed with their frames.
    expect(out).toEqual({ full: 16384, refused: true, after: 0, again: true });
  }, 30_000);
});
