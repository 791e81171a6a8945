import { execFile } from 'child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';
import { spawnTs, TsChild } from '../support/child-process';

const ROOT = resolve(__dirname, '../..');
const LIBS = ['common', 'transport', 'discovery', 'client', 'cli'];
/** Inside the repo so that the compiled files resolve node_modules like the sources do. */
const OUT = resolve(ROOT, 'node_modules/.cache/nestrpc-cli-e2e');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Transpiles the CLI and the libraries it uses to JavaScript once (what the package's `bin`,
 * dist/main.js, is), so each of the tests' ~20 CLI processes starts in well under a second instead
 * of paying ts-node's 1.5-3 s. Type checking is `npm run typecheck`'s job, not this one's.
 */
export function compileCli(): void {
  rmSync(OUT, { recursive: true, force: true });
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : []));
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
  };
  for (const lib of LIBS) {
    for (const file of walk(resolve(ROOT, 'libs', lib, 'src'))) {
      const target = join(OUT, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText);
    }
  }
  const paths = Object.fromEntries(LIBS.flatMap((lib) => [[`@nestrpc/${lib}`, [`libs/${lib}/src`]], [`@nestrpc/${lib}/*`, [`libs/${lib}/src/*`]]]));
  writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }));
}

function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, TS_NODE_PROJECT: join(OUT, 'tsconfig.json'), ...env };
}

const MAIN = join(OUT, 'libs/cli/src/main.js');

/** Runs `nestrpc <args>` as a child process (compileCli() first) and collects its output. */
export function runCli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, ['-r', 'tsconfig-paths/register', MAIN, ...args], { cwd: ROOT, env: cliEnv(env), timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** A long-running `nestrpc` (watch, ls --watch), from the TypeScript sources. */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}): TsChild {
  return spawnTs('libs/cli/src/main.ts', env, args);
}
