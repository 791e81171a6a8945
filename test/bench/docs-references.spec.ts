import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
/** Where figures are quoted: each must name a results file that is committed. */
const DOCS = ['README.md', 'bench/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** `bench/results/<name>.json` as the docs write it, and the short `-<suffix>.json` of a file named just before in the same paragraph. */
function referencedResults(text: string): string[] {
  const names: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let last: string | undefined;
    for (const match of paragraph.matchAll(/bench\/results\/([0-9]{4}-[0-9]{2}-[0-9]{2})([0-9A-Za-z._-]*)\.json|`(-[0-9A-Za-z._-]+)\.json`/g)) {
      if (match[1] !== undefined) {
        last = match[1];
        names.push(`bench/results/${match[1]}${match[2]}.json`);
      } else if (last !== undefined) {
        names.push(`bench/results/${last}${match[3]}.json`);
      }
    }
  }
  return names;
}

describe('docs quote committed results files only', () => {
  it('reads full names and the short -suffix form after them', () => {
    expect(referencedResults('see `bench/results/2026-12-02.json`, `-43b4ca0.json` and\n`-3da929d.json`\n\nthen `-x.json` alone')).toEqual([
      'bench/results/2026-12-02.json',
      'bench/results/2026-12-02-43b4ca0.json',
      'bench/results/2026-12-02-3da929d.json',
    ]);
  });

  it.each(DOCS)('%s names only results files that exist', (doc) => {
    const missing = referencedResults(readFileSync(join(ROOT, doc), 'utf8')).filter((file) => !existsSync(join(ROOT, file)));
    expect(missing).toEqual([]);
  });
});
