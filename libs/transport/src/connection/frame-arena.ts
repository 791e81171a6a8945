/** Bytes per slab of the frame arena. */
export const FRAME_ARENA_SLAB_BYTES = 256 * 1024;
/** Most bytes the arena holds at once, slabs in use and spare together (32 slabs). */
export const FRAME_ARENA_MAX_BYTES = 8 * 1024 * 1024;
/** Spare slabs kept for reuse. */
const MAX_SPARE_SLABS = 8;

/** Marks an arena slab's ArrayBuffer: a frame's `.buffer` leads to its slab without a lookup. */
const SLAB = Symbol('nestrpc.frameArenaSlab');

interface Slab {
  readonly bytes: Buffer;
  /** Where the next frame starts. */
  offset: number;
  /** Frames carved from it and not yet released. */
  outstanding: number;
  readonly account: SlabAccount;
}

/** What the finalizer holds for a slab: not the slab itself, which would keep its memory alive. */
interface SlabAccount {
  readonly bytes: number;
  /** Still counted in the arena's bytes (false once it was dropped for good). */
  counted: boolean;
}

type Tagged = ArrayBufferLike & { [SLAB]?: Slab };

/**
 * Memory for outgoing frames that is reused once the kernel has them, so frames are written
 * into memory that is already mapped and in cache.
 *
 * Why: a frame in its own fresh buffer (or in msgpackr's, which it replaces every ~200 KiB)
 * costs an allocation, cold memory the CPU must fetch before it writes, and external memory the
 * GC must account for and free. The bench's `nestrpc-msgpack-noarena` variant (large@64)
 * measures what the arena saves at 16 KiB: a few % of req/s and 10–20 MiB of peak RSS on each
 * end (figures and their results files: docs/decisions.md).
 *
 * Frames are carved one after another from 256 KiB slabs. A frame goes back with `release()`
 * once the socket is done with it; a slab whose frames are all back is reused. Releasing is
 * optional, never required: a frame that is dropped unreleased only keeps its slab from being
 * reused, and the GC frees the slab with its last frame. A frame must never be released twice
 * or while still in use (FramedConnection releases each frame it wrote, once, when its write
 * completed, and each frame it drops).
 *
 * Bounded: the arena holds at most FRAME_ARENA_MAX_BYTES, in use and spare. Past that (a peer
 * that does not read pins the slabs its unwritten frames sit in) `region()` returns undefined
 * and frames are allocated as without an arena, so a peer cannot make a frame pin more than that.
 */
export class FrameArena {
  private current: Slab | undefined;
  private readonly spare: Slab[] = [];
  private bytesHeld = 0;
  private peakBytes = 0;
  /** Slabs no one releases (their frames were dropped) are uncounted when the GC frees them. */
  private readonly finalizer = new FinalizationRegistry<SlabAccount>((account) => this.uncount(account));

  constructor(
    private readonly slabBytes = FRAME_ARENA_SLAB_BYTES,
    private readonly maxBytes = FRAME_ARENA_MAX_BYTES,
  ) {}

  /** Bytes of slabs the arena holds (in use and spare). */
  get heldBytes(): number {
    return this.bytesHeld;
  }

  /** The most `heldBytes` has been since the last `resetPeak()` (or since the arena was made). */
  get peakHeldBytes(): number {
    return this.peakBytes;
  }

  resetPeak(): void {
    this.peakBytes = this.bytesHeld;
  }

  /**
   * The slab to write the next frame into and where in it: at least `minBytes` free from
   * `offset`. Undefined when the arena is at its bound or `minBytes` exceeds a slab.
   */
  region(minBytes: number): { bytes: Buffer; offset: number } | undefined {
    let slab = this.current;
    if (slab === undefined || slab.bytes.length - slab.offset < minBytes) {
      if (minBytes > this.slabBytes) return undefined;
      if (slab !== undefined) this.retire(slab);
      slab = this.current = this.nextSlab();
      if (slab === undefined) return undefined;
    }
    return slab;
  }

  /**
   * Takes `frame` as written at the current slab's offset (by whoever was given the region):
   * true when it lies there, and the next region starts after it. A frame that landed elsewhere
   * (the writer needed more room and allocated its own) is not the arena's: false.
   */
  claim(frame: Buffer): boolean {
    const slab = this.current;
    if (slab === undefined || frame.buffer !== slab.bytes.buffer || frame.byteOffset < slab.offset) return false;
    // Word-aligned, as msgpackr aligns where it starts.
    slab.offset = (frame.byteOffset + frame.length + 7) & ~7;
    slab.outstanding++;
    return true;
  }

  /**
   * `bytes` of arena memory for a frame the caller writes itself, claimed at once; undefined when
   * the arena is at its bound or `bytes` exceeds a slab (the caller allocates as without it).
   */
  allocate(bytes: number): Buffer | undefined {
    const region = this.region(bytes);
    if (region === undefined) return undefined;
    const frame = region.bytes.subarray(region.offset, region.offset + bytes);
    this.claim(frame);
    return frame;
  }

  /** The frame's bytes are no longer needed. No-op for a buffer the arena did not claim. */
  release(frame: Buffer): void {
    const slab = (frame.buffer as Tagged)[SLAB];
    if (slab === undefined) return;
    slab.outstanding--;
    if (slab.outstanding === 0 && slab !== this.current) this.recycle(slab);
  }

  /** True for a frame carved from this arena's slabs (cheap: one property read). */
  static owns(frame: Buffer): boolean {
    return (frame.buffer as Tagged)[SLAB] !== undefined;
  }

  private nextSlab(): Slab | undefined {
    const reused = this.spare.pop();
    if (reused !== undefined) {
      reused.offset = 0;
      return reused;
    }
    if (this.bytesHeld + this.slabBytes > this.maxBytes) return undefined;
    const bytes = Buffer.allocUnsafeSlow(this.slabBytes);
    const account: SlabAccount = { bytes: this.slabBytes, counted: true };
    const slab: Slab = { bytes, offset: 0, outstanding: 0, account };
    (bytes.buffer as Tagged)[SLAB] = slab;
    this.bytesHeld += this.slabBytes;
    if (this.bytesHeld > this.peakBytes) this.peakBytes = this.bytesHeld;
    this.finalizer.register(bytes.buffer, account, account);
    return slab;
  }

  /** The current slab is full: reused at once if nothing in it is in use, else when its last frame comes back. */
  private retire(slab: Slab): void {
    this.current = undefined;
    if (slab.outstanding === 0) this.recycle(slab);
  }

  private recycle(slab: Slab): void {
    if (this.spare.length < MAX_SPARE_SLABS) {
      this.spare.push(slab);
      return;
    }
    // Enough spare: this one goes to the GC (with its finalizer, it is no longer counted).
    this.finalizer.unregister(slab.account);
    this.uncount(slab.account);
  }

  private uncount(account: SlabAccount): void {
    if (!account.counted) return;
    account.counted = false;
    this.bytesHeld -= account.bytes;
  }
}

/** The process's arena (frames of every connection: they are written from one thread). */
export const frameArena = new FrameArena();

/**
 * Frames from this size up are encoded into the arena (`allocateFrame`): Node serves smaller
 * `Buffer.allocUnsafe` calls from its shared 8 KiB pool, larger ones with fresh memory each.
 */
export const ARENA_MIN_FRAME_BYTES = Buffer.poolSize >>> 1;

/** Memory for a frame of `bytes` the caller writes in full: the arena's for a frame Node would not pool, else `Buffer.allocUnsafe`. */
export function allocateFrame(bytes: number): Buffer {
  return (bytes >= ARENA_MIN_FRAME_BYTES ? frameArena.allocate(bytes) : undefined) ?? Buffer.allocUnsafe(bytes);
}
