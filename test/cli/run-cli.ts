import { execFile } from 'child_process';
import { resolve } from 'path';
import { spawnTs, TsChild } from '../support/child-process';

const ROOT = resolve(__dirname, '../..');
const CLI = 'libs/cli/src/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `nestrpc <args>` as a child process (the bin's entry point) and collects its output. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  const nodeArgs = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', resolve(ROOT, CLI), ...args];
  const childEnv = { ...process.env, TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'), ...env };
  return new Promise((done) => {
    execFile(process.execPath, nodeArgs, { cwd: ROOT, env: childEnv, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** A long-running `nestrpc` (watch, ls --watch). */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): TsChild {
  return spawnTs(CLI, env, args);
}
