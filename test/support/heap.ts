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
