import { readdirSync, readFileSync } from 'fs';
import { join, relative, resolve } from 'path';

const APPS = resolve(__dirname, '../../apps');
/** What a demo app may import of ours: the starters, their add-ons and the shared contracts. */
const ALLOWED = new Set(['@nestrpc/server', '@nestrpc/client', '@nestrpc/contracts', '@nestrpc/observability', '@nestrpc/dashboard']);

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

describe('the demo apps', () => {
  it('import only the starters (+ their add-ons) and the contracts: everything a user catches or reads comes from there', () => {
    const offending: string[] = [];
    for (const file of sources(APPS)) {
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/from '(@nestrpc\/[^'/]+)[^']*'/g)) {
        if (!ALLOWED.has(name)) offending.push(`${relative(APPS, file)}: ${name}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
