import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import * as ts from 'typescript';

/** Sources the benchmark processes run, relative to the repository root (test/support: the shared freePort and etcd helpers). */
const SOURCE_ROOTS = ['bench', 'libs/common/src', 'libs/transport/src', 'libs/discovery/src', 'libs/client/src', 'libs/server/src', 'libs/observability/src', 'test/support'];
const SKIP_DIRS = new Set(['.build', 'results', 'profiles', 'node_modules']);
const COPIED_EXTENSIONS = ['.proto'];

/**
 * Transpiles the benchmark and the libraries it uses to plain JS under `bench/.build` (mirroring repo
 * paths), so the measured processes run without ts-node and its compiler in memory (~100 MiB of
 * RSS and start-up CPU that would be charged to every system). Type checking is `npm run typecheck`'s job.
 */
export function buildForRun(repoRoot: string): string {
  const outDir = join(repoRoot, 'bench', '.build');
  rmSync(outDir, { recursive: true, force: true });
  const compilerOptions = loadCompilerOptions(repoRoot);
  for (const root of SOURCE_ROOTS) {
    for (const file of walk(join(repoRoot, root))) {
      const target = join(outDir, relative(repoRoot, file));
      mkdirSync(dirname(target), { recursive: true });
      if (COPIED_EXTENSIONS.some((ext) => file.endsWith(ext))) {
        copyFileSync(file, target);
        continue;
      }
      const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
      writeFileSync(target.replace(/\.ts$/, '.js'), output.outputText);
    }
  }
  return outDir;
}

function loadCompilerOptions(repoRoot: string): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.convertCompilerOptionsFromJson(config.config?.compilerOptions ?? {}, repoRoot);
  return { ...parsed.options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* walk(path);
    } else if ((entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) || COPIED_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
      yield path;
    }
  }
}
