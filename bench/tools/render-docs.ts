/**
 * Rewrites the generated blocks of docs/benchmark.md (latest results) and README.md (summary)
 * from one committed results file, the same way a complete full run does at its end:
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/tools/render-docs.ts bench/results/<date>.json
 *
 * Files written before systems recorded what a feature-cost variant is compared with get it
 * from the registry (their variants ran every cell then, so every measured row is kept).
 */
import { readFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import { publishResults } from '../lib/publish';
import { ResultsFile } from '../lib/results-file';
import { SYSTEMS } from '../systems';

const REPO_ROOT = join(__dirname, '..', '..');

function main(): void {
  const path = process.argv[2];
  if (path === undefined) {
    process.stderr.write('Usage: render-docs.ts bench/results/<file>.json\n');
    process.exit(2);
  }
  const file = JSON.parse(readFileSync(resolve(path), 'utf8')) as ResultsFile;
  file.systems = file.systems.map((recorded) => {
    const entry = SYSTEMS.find((s) => s.name === recorded.name);
    return { ...recorded, comparedWith: recorded.comparedWith ?? entry?.comparedWith };
  });
  for (const line of publishResults(REPO_ROOT, file, relative(REPO_ROOT, resolve(path)))) process.stdout.write(`${line}\n`);
}

main();
