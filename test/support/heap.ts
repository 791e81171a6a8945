import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * True once nothing strongly references what `ref` points to: it waits one macrotask (a WeakRef
 * keeps its target alive until the job that created or read it ends), then collects in full.
 */
export async function isCollected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return ref.deref() === undefined;
}

/** Heap plus Buffer memory after a full collection: what is really still held. */
export function heldMemory(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * `heldMemory()` once it has stopped falling: V8 frees the memory of collected ArrayBuffers on
 * a background thread, so right after a burst of large buffers one reading can still count some
 * of them. Collects and reads again, a turn apart, until a reading is no lower than the one
 * before (at most `rounds` times).
 */
export async function settledHeldMemory(rounds = 20): Promise<number> {
  let last = heldMemory();
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const now = heldMemory();
    if (now >= last) return Math.min(now, last);
    last = now;
  }
  return last;
}
