import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../..');

/** Every library with a build (tsconfig.lib.json) that npm may publish (not `private`). */
function publishedLibraries(): string[] {
  return readdirSync(join(ROOT, 'libs')).filter((lib) => {
    const dir = join(ROOT, 'libs', lib);
    if (!existsSync(join(dir, 'tsconfig.lib.json')) || !existsSync(join(dir, 'package.json'))) return false;
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private?: boolean }).private !== true;
  });
}

/** The files tsc compiles for `config` (a library's tsconfig.lib.json: what `npm pack` then ships). */
function compiledFiles(config: string): string[] {
  const configPath = join(ROOT, config);
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (parsed === undefined) throw new Error(`cannot read ${configPath}`);
  return parsed.fileNames.map((file) => relative(ROOT, file));
}

const TEST_ONLY = /(\.spec\.ts|\.fake\.ts|\/testing\/|\/fixtures?\/|golden-vectors)/;

describe('what each published package contains', () => {
  const libraries = publishedLibraries();

  it('finds the publishable libraries', () => {
    expect(libraries).toEqual(expect.arrayContaining(['transport', 'discovery', 'server', 'client']));
  });

  it.each(publishedLibraries())('%s: compiles no spec, fake, testing helper or fixture data into dist', (lib) => {
    const files = compiledFiles(`libs/${lib}/tsconfig.lib.json`);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => TEST_ONLY.test(file))).toEqual([]);
    // Nothing shipped reaches into the repo's test tree (test/support, test/fixtures).
    const reachingIntoTests = files.filter((file) => /from '(\.\.\/)+test\//.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(reachingIntoTests).toEqual([]);
  });

  it('the demo apps\' build (tsconfig.build.json, the Docker image) compiles no test file either: the image has no test/ tree', () => {
    const files = compiledFiles('tsconfig.build.json');
    expect(files.filter((file) => TEST_ONLY.test(file) || file.startsWith('test/'))).toEqual([]);
  });

  it.each(publishedLibraries())('%s: npm packs only dist and the README', (lib) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'libs', lib, 'package.json'), 'utf8')) as { files?: string[] };
    expect(manifest.files).toBeDefined();
    expect(manifest.files!.filter((entry) => !entry.startsWith('!'))).toEqual(expect.arrayContaining(['dist']));
    expect(manifest.files!.filter((entry) => !entry.startsWith('!') && entry !== 'dist' && entry !== 'README.md')).toEqual([]);
  });
});
