import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { execFileSync, spawnSync } from 'child_process';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { summarize } = require('../../.ci/summary.js') as { summarize: (runs: Run[]) => { lines: string[]; ok: boolean } };
interface Run {
  label: string;
  resultsFile: string;
  status: number;
  logFile?: string;
}

const SCRIPT = join(__dirname, '../../.ci/summary.js');

describe('.ci/summary.js, the CI run last word', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ci-summary-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const results = (name: string, passed: number, failed = 0, extra: Record<string, unknown> = {}): string => {
    const file = join(dir, `${name}.json`);
    const suites = [{ name: `/repo/test/${name}.spec.ts`, status: failed > 0 ? 'failed' : 'passed' }];
    writeFileSync(file, JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numRuntimeErrorTestSuites: 0, success: failed === 0, testResults: suites, ...extra }));
    return file;
  };
  const log = (name: string, text: string): string => {
    const file = join(dir, `${name}.log`);
    writeFileSync(file, text);
    return file;
  };

  it('adds the runs up into one last plain line and passes when every run passed and exited 0', () => {
    const { lines, ok } = summarize([
      { label: 'npm test', resultsFile: results('a', 10), status: 0 },
      { label: 'Nest 12 suites', resultsFile: results('b', 5), status: 0 },
    ]);
    expect(lines).toEqual(['npm test: 10 passed, 0 failed', 'Nest 12 suites: 5 passed, 0 failed', '15 passed, 0 failed']);
    expect(ok).toBe(true);
  });

  it('fails a run that exited non-zero after writing "all passed", counts it, and ends the log with why and its last lines', () => {
    const output = ['PASS test/x.spec.ts', 'Test results written to: .jest-results.json', '\x1b[31mError: boom after the run\x1b[39m', '    at Timeout._onTimeout (leak.ts:1:1)'].join('\n');
    const { lines, ok } = summarize([{ label: 'npm test', resultsFile: results('a', 10), status: 1, logFile: log('a', output) }]);
    expect(ok).toBe(false);
    expect(lines[lines.length - 1]).toBe('10 passed, 1 failed');
    expect(lines).toContain('CI failure: npm test exited with status 1 although its results report 0 failed tests (success: true)');
    // The crash's own words, without colour codes, come before the count line.
    expect(lines).toContain('Error: boom after the run');
    expect(lines.indexOf('Error: boom after the run')).toBeLessThan(lines.length - 1);
  });

  it('finds, anywhere in the log, the post-teardown error with which jest sets exit code 1 itself, and prints it with its stack', () => {
    const early = [
      'PASS test/discovery/cluster.int-spec.ts (7.727 s)',
      'ReferenceError: You are trying to `require` a file after the Jest environment has been torn down. From test/discovery/cluster.int-spec.ts.',
      '      at etcd3 (libs/discovery/src/registry/etcd/etcd-client.factory.ts:13:10)',
      '      at ServiceWatch.sync (libs/discovery/src/registry/etcd/service-watch.ts:103:22)',
    ];
    const output = [...early, ...Array.from({ length: 200 }, (_, i) => `PASS test/s${i}.spec.ts`), 'Test results written to: .jest-results.json'].join('\n');
    const { lines } = summarize([{ label: 'npm test', resultsFile: results('a', 10), status: 1, logFile: log('a', output) }]);
    const at = lines.indexOf(early[1]);
    expect(at).toBeGreaterThan(0); // 200 lines before the end: out of the tail's reach
    expect(lines[at - 1]).toContain('jest set the exit code itself');
    expect(lines.slice(at, at + 3)).toEqual(early.slice(1));
    expect(lines[lines.length - 1]).toBe('10 passed, 1 failed');
  });

  it('fails on failed tests, on missing results and on a run that passed nothing', () => {
    expect(summarize([{ label: 'npm test', resultsFile: results('a', 9, 1), status: 1 }])).toEqual({ lines: ['npm test: 9 passed, 1 failed', '9 passed, 1 failed'], ok: false });
    const missing = summarize([{ label: 'npm test', resultsFile: join(dir, 'none.json'), status: 1, logFile: log('m', 'tsc: error TS2322') }]);
    expect(missing.ok).toBe(false);
    expect(missing.lines).toContain('tsc: error TS2322');
    expect(missing.lines[missing.lines.length - 1]).toBe('0 passed, 1 failed');
    const empty = summarize([{ label: 'npm test', resultsFile: results('e', 0), status: 0 }]);
    expect(empty.ok).toBe(false);
    expect(empty.lines[empty.lines.length - 1]).toBe('0 passed, 1 failed');
  });

  it('fails results that say success: false with no failed test (a failed suite hook), naming the suite', () => {
    const file = results('h', 4, 0, { success: false, testResults: [{ name: '/repo/test/hook.spec.ts', status: 'failed' }] });
    const { lines, ok } = summarize([{ label: 'npm test', resultsFile: file, status: 1 }]);
    expect(ok).toBe(false);
    expect(lines.join('\n')).toContain('suites marked failed: /repo/test/hook.spec.ts');
  });

  it('as a command: prints the lines and exits 1 on failure, 0 otherwise', () => {
    const good = results('g', 3);
    expect(execFileSync(process.execPath, [SCRIPT, `npm test=${good}:0`], { encoding: 'utf8' }).trim().split('\n').pop()).toBe('3 passed, 0 failed');
    const bad = spawnSync(process.execPath, [SCRIPT, `npm test=${good}:1:${log('b', 'Segmentation fault')}`], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('Segmentation fault');
    expect(bad.stdout.trim().split('\n').pop()).toBe('3 passed, 1 failed');
  });
});
