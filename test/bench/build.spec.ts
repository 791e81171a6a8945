import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { buildForRun } from '../../bench/lib/build';

const ROOT = resolve(__dirname, '../..');

function* jsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

/**
 * The bench runs its systems from a transpiled copy (bench/.build) holding only the source roots
 * it lists: a relative import reaching outside them (a shared test helper, say) only fails when
 * that system's process starts, and the run then reports it as n/a instead of measuring it.
 */
describe('bench build', () => {
  it('holds every file its relative imports reach', () => {
    const outDir = buildForRun(ROOT);
    const missing: string[] = [];
    for (const file of jsFiles(outDir)) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\("(\.\.?\/[^"]+)"\)/g)) {
        const target = resolve(dirname(file), spec);
        if (![`${target}.js`, join(target, 'index.js'), target].some((candidate) => existsSync(candidate))) missing.push(`${file.slice(outDir.length + 1)} → ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  }, 60_000);
});
