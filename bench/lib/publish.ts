import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { BENCH_SUMMARY_MARKERS, LATEST_RESULTS_MARKERS, renderLatestBlock, renderSummaryBlock } from './docs-blocks';
import { replaceBlock, ResultsFile } from './results-file';

/** The documents a run is quoted in, each with the block of it that is generated. */
const DOCUMENTS = [
  { path: 'docs/benchmark.md', markers: LATEST_RESULTS_MARKERS, render: renderLatestBlock },
  { path: 'README.md', markers: BENCH_SUMMARY_MARKERS, render: renderSummaryBlock },
] as const;

/**
 * Rewrites the generated blocks of docs/benchmark.md and the root README from one results file
 * (`fileName` relative to the repository root, quoted in both). Returns what it did, per file.
 */
export function publishResults(repoRoot: string, file: ResultsFile, fileName: string): string[] {
  return DOCUMENTS.map(({ path, markers, render }) => {
    const full = join(repoRoot, path);
    if (!existsSync(full)) return `${path}: not found, not updated`;
    const updated = replaceBlock(readFileSync(full, 'utf8'), markers[0], markers[1], render(file, fileName));
    if (updated === undefined) return `${path}: markers ${markers.join(' … ')} not found, not updated`;
    writeFileSync(full, updated);
    return `${path}: updated from ${fileName}`;
  });
}
