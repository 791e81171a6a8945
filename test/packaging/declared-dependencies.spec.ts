import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const LIBS = resolve(__dirname, '../../libs');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) yield path;
  }
}

/** The @nestrpc/* packages a library's published sources import. */
function importedPackages(lib: string): Set<string> {
  const names = new Set<string>();
  for (const file of sources(join(LIBS, lib, 'src'))) {
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/from '(@nestrpc\/[^'/]+)[^']*'/g)) names.add(name);
  }
  return names;
}

describe('library dependencies', () => {
  const libs = readdirSync(LIBS).filter((lib) => lib !== 'contracts');

  it('@nestrpc/common is the bottom: it imports nothing of ours', () => {
    expect([...importedPackages('common')]).toEqual([]);
  });

  it.each(libs)('%s declares every @nestrpc package it imports, at the exact version', (lib) => {
    const manifest = JSON.parse(readFileSync(join(LIBS, lib, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
    const missing = [...importedPackages(lib)].filter((name) => name !== manifest.name && manifest.dependencies?.[name] === undefined);
    expect(missing).toEqual([]);
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
  });
});
