import { promises as fs } from 'fs';
import { dirname } from 'path';

let counter = 0;

/**
 * Writes `data` so that readers see either the old or the new file, never a torn one: write a
 * temporary file in the same directory, fsync it, rename it over the target.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}
