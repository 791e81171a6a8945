/**
 * Round-by-round ratios between two systems of a results file: for each round, A's req/s ÷ B's
 * req/s in that same round, then the median and range of those ratios. Rounds interleave the
 * systems, so a slow phase of the machine lands on both sides of a pair; the per-system spread
 * the report judges by cannot see that.
 *
 *   node -r ts-node/register/transpile-only bench/tools/paired-ratios.ts bench/results/<file>.json [cell:systemA/systemB ...]
 *
 * Without pairs it prints the target pairs and every variant against the system it is compared with.
 */
import { readFileSync } from 'fs';
import { CellResult } from '../lib/cells';
import { median, pairedRatios } from '../lib/aggregate';
import { SYSTEMS } from '../systems';

const TARGET_PAIRS = ['small@64:nestrpc-json/raw-json', 'small@512:nestrpc-json/raw-json', 'small@64:nestrpc-msgpack/raw-json', 'small@512:nestrpc-msgpack/raw-json', 'small@1-pinned:nestrpc-json/raw-json', 'large@64:nestrpc-msgpack/nest-tcp', 'large@64:raw-echo/nest-tcp'];

function main(): void {
  const [file, ...wanted] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: paired-ratios.ts <results.json> [cell:systemA/systemB ...]');
  const results = (JSON.parse(readFileSync(file, 'utf8')) as { results: CellResult[] }).results;
  const variants = SYSTEMS.flatMap((s) => (s.comparedWith === undefined ? [] : (s.cells ?? []).map((cell) => `${cell}:${s.name}/${s.comparedWith}`)));
  for (const pair of wanted.length > 0 ? wanted : [...TARGET_PAIRS, ...variants]) {
    const [cell, systems] = pair.split(':');
    const [a, b] = systems.split('/');
    const find = (system: string) => results.find((r) => r.system === system && r.cell === cell);
    const [x, y] = [find(a), find(b)];
    const ratios = x === undefined || y === undefined ? undefined : pairedRatios(x, y);
    if (ratios === undefined) {
      process.stdout.write(`${pair}: not measured in both, round for round\n`);
      continue;
    }
    process.stdout.write(`${pair}: paired median ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})\n`);
  }
}

main();
