import { execFileSync } from 'child_process';
import { CellResult } from './cells';
import { MachineInfo } from './machine';
import { TargetCheck } from './targets';

/** A system as recorded in a results file (enough to render it without the live registry). */
export interface RecordedSystem {
  name: string;
  label: string;
  family: string;
  /** The cells it declares (feature-cost variants); absent: every cell. */
  cells?: readonly string[];
  comparedWith?: string;
}

/** `bench/results/<date>[-<suffix>].json`: everything a run measured, and what it measured. */
export interface ResultsFile {
  /** ISO timestamp of the end of the run. */
  date: string;
  mode: 'quick' | 'full';
  elapsedS: number;
  /** `git rev-parse --short HEAD` when the run started (older files: `<sha>+dirty`). */
  commit?: string;
  /** True when libs/ or bench/ had uncommitted changes: the figures are not exactly `commit`. */
  dirty?: boolean;
  options: { warmupMs: number; windowMs: number; /** Slice length of sliced cells; absent in runs before they existed. */ sliceMs?: number; /** Unmeasured ramp at the start of every turn. */ rampMs?: number; rounds?: number; cells: string[]; profile?: boolean; /** With `profile`: V8's sampling interval (µs) when not its default 1 000. */ profileIntervalUs?: number; complete: boolean };
  machine: MachineInfo;
  systems: RecordedSystem[];
  results: CellResult[];
  targets: TargetCheck[];
}

export interface GitRevision {
  commit: string;
  dirty: boolean;
}

/** The commit measured and whether the measured code (libs/, bench/ outside results/) had changes. */
export function gitRevision(cwd: string): GitRevision | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', '../libs', '.', ':(exclude)results'], { cwd, encoding: 'utf8' }).trim();
    return { commit, dirty: status !== '' };
  } catch {
    return undefined;
  }
}

/** "abc1234", "abc1234 (uncommitted changes)" or "not recorded", from either file format. */
export function describeCommit(file: Pick<ResultsFile, 'commit' | 'dirty'>): string {
  if (file.commit === undefined) return 'commit not recorded';
  const legacyDirty = file.commit.endsWith('+dirty');
  const sha = legacyDirty ? file.commit.slice(0, -'+dirty'.length) : file.commit;
  return `commit ${sha}${file.dirty === true || legacyDirty ? ' with uncommitted changes' : ''}`;
}

/**
 * `text` with everything between the two markers replaced by `body`; undefined when either
 * marker is missing (the caller says so rather than appending the block somewhere arbitrary).
 */
export function replaceBlock(text: string, startMarker: string, endMarker: string, body: string): string | undefined {
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker, start + startMarker.length);
  if (start < 0 || end < 0) return undefined;
  return `${text.slice(0, start + startMarker.length)}\n${body.trim()}\n${text.slice(end)}`;
}
