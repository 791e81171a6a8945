/**
 * Summarizes V8 CPU profiles (`--cpu-prof` output) by self time.
 *
 *   node -r ts-node/register/transpile-only bench/tools/profile-top.ts <file.cpuprofile|dir>... [--top=25] [--from=<ms>] [--to=<ms>] [--timeline]
 *
 * Several files (or every .cpuprofile in a directory) are merged. Prints the time sampled and how
 * much of it was busy (not idle), then the top functions and the top modules (npm package,
 * repository file or node internals) by self time. A benchmark process's profile covers its whole
 * life, start-up included: `--timeline` prints each profile's busy ms per 500 ms from its start,
 * and `--from`/`--to` (ms from each profile's start) keep only the measured part, so busy ms ÷
 * the calls made in it is the CPU per call the profile saw (`npm run bench -- --profile-interval=50`
 * samples every 50 µs instead of V8's 1 ms, for one-call-in-flight cells).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { toolNumber } from './tool-args';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

/** Samples kept: from `fromMs` (inclusive) to `toMs` (exclusive), ms since the profile's start. */
export interface ProfileWindow {
  fromMs?: number;
  toMs?: number;
}

export interface ProfileSummary {
  /** µs sampled in the window, and how much of it was not `(idle)`. */
  totalUs: number;
  busyUs: number;
  byFunction: Map<string, number>;
  byModule: Map<string, number>;
}

const REPO_ROOT = join(__dirname, '..', '..');
const TIMELINE_BUCKET_MS = 500;
const IDLE = '(idle)';

/** Self time by function and by module over the samples of `profiles` that fall in `window`. */
export function summarize(profiles: readonly CpuProfile[], window: ProfileWindow = {}): ProfileSummary {
  const fromUs = (window.fromMs ?? 0) * 1000;
  const toUs = (window.toMs ?? Infinity) * 1000;
  const summary: ProfileSummary = { totalUs: 0, busyUs: 0, byFunction: new Map(), byModule: new Map() };
  for (const profile of profiles) {
    forEachSample(profile, (frame, atUs, micros) => {
      if (atUs < fromUs || atUs >= toUs) return;
      summary.totalUs += micros;
      if (frame.functionName !== IDLE) summary.busyUs += micros;
      add(summary.byFunction, functionKey(frame), micros);
      add(summary.byModule, moduleKey(frame.url, frame.functionName), micros);
    });
  }
  return summary;
}

/** Busy (not idle) µs per `bucketMs` from the profile's start: where its measured part lies. */
export function busyTimeline(profile: CpuProfile, bucketMs = TIMELINE_BUCKET_MS): number[] {
  const buckets: number[] = [];
  forEachSample(profile, (frame, atUs, micros) => {
    const bucket = Math.floor(atUs / 1000 / bucketMs);
    while (buckets.length <= bucket) buckets.push(0);
    if (frame.functionName !== IDLE) buckets[bucket] += micros;
  });
  return buckets;
}

/** Each sample's frame, when it was taken (µs from the profile's start) and the µs it stands for. */
function forEachSample(profile: CpuProfile, visit: (frame: CallFrame, atUs: number, micros: number) => void): void {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  let atUs = 0;
  // timeDeltas[i] is the time elapsed before sample i: charge it to the sample it leads to.
  profile.samples.forEach((id, i) => {
    const micros = Math.max(0, profile.timeDeltas[i] ?? 0);
    atUs += micros;
    visit(frames.get(id)!, atUs, micros);
  });
}

function main(): void {
  const args = process.argv.slice(2);
  const top = toolNumber('top') ?? 25;
  const files = args.filter((a) => !a.startsWith('--')).flatMap(expand);
  if (files.length === 0) fail('Usage: profile-top.ts <file.cpuprofile|dir>... [--top=25] [--from=<ms>] [--to=<ms>] [--timeline]');
  const profiles = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  if (args.includes('--timeline')) {
    profiles.forEach((profile, i) => {
      const buckets = busyTimeline(profile).map((us, b) => `${b * TIMELINE_BUCKET_MS}: ${(us / 1000).toFixed(0)}`);
      process.stdout.write(`${shortUrl(files[i])}: busy ms per ${TIMELINE_BUCKET_MS} ms from the start\n  ${buckets.join(', ')}\n`);
    });
    process.stdout.write('\n');
  }
  const window: ProfileWindow = { fromMs: toolNumber('from'), toMs: toolNumber('to') };
  const summary = summarize(profiles, window);
  const scope = window.fromMs === undefined && window.toMs === undefined ? '' : ` from ${window.fromMs ?? 0} ms to ${window.toMs ?? 'the end'}${window.toMs === undefined ? '' : ' ms'}`;
  process.stdout.write(`${files.length} profile(s)${scope}: ${(summary.totalUs / 1000).toFixed(0)} ms sampled, ${(summary.busyUs / 1000).toFixed(0)} ms busy\n\n`);
  print('self time by function', summary.byFunction, summary.totalUs, top);
  print('self time by module', summary.byModule, summary.totalUs, top);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function expand(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(path, name));
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function moduleKey(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg !== null) return pkg[1];
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  return relative(REPO_ROOT, path).replace(/^bench\/\.build\//, '');
}

function print(title: string, map: Map<string, number>, total: number, top: number): void {
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  process.stdout.write(`${title}\n${'  self ms     %'.padEnd(16)}\n`);
  for (const [key, micros] of rows) {
    process.stdout.write(`${(micros / 1000).toFixed(1).padStart(9)} ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
  }
  process.stdout.write('\n');
}

if (require.main === module) main();
