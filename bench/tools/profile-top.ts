/**
 * Summarizes V8 CPU profiles (`--cpu-prof` output) by self time.
 *
 *   node -r ts-node/register/transpile-only bench/tools/profile-top.ts <file.cpuprofile|dir>... [--top=25]
 *
 * Several files (or every .cpuprofile in a directory) are merged. Prints the top functions and
 * the top modules (npm package, repository file or node internals) by self time.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

const REPO_ROOT = join(__dirname, '..', '..');

function main(): void {
  const args = process.argv.slice(2);
  const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25);
  const files = args.filter((a) => !a.startsWith('--')).flatMap(expand);
  if (files.length === 0) {
    process.stderr.write('Usage: profile-top.ts <file.cpuprofile|dir>... [--top=25]\n');
    process.exit(2);
  }
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    // timeDeltas[i] is the time elapsed before sample i: charge it to the sample it leads to.
    profile.samples.forEach((id, i) => {
      const frame = frames.get(id)!;
      const micros = Math.max(0, profile.timeDeltas[i] ?? 0);
      total += micros;
      add(byFunction, functionKey(frame), micros);
      add(byModule, moduleKey(frame.url, frame.functionName), micros);
    });
  }
  process.stdout.write(`${files.length} profile(s), ${(total / 1000).toFixed(0)} ms sampled\n\n`);
  print('self time by function', byFunction, total, top);
  print('self time by module', byModule, total, top);
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

main();
