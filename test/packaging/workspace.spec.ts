import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '../..');
const read = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

interface NestProject {
  type: 'library' | 'application';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions?: { tsConfigPath?: string };
}

/**
 * Root `dependencies` that no runtime file imports, each with why the apps need it at run time.
 * Anything else only tests, the benchmark or scripts use belongs in devDependencies.
 */
const RUNTIME_WITHOUT_IMPORT: Record<string, string> = {
  '@nestjs/platform-express': 'NestFactory.create loads it for the consumer app and hybrid providers',
  'tsconfig-paths': 'the apps start with `node -r tsconfig-paths/register` (Dockerfile, scripts/demo)',
};

function runtimeSources(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== 'dist' && entry.name !== 'node_modules') files.push(...runtimeSources(path));
    } else if (entry.name.endsWith('.ts') && !/\.(spec|fake)\.ts$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

describe('the workspace', () => {
  const projects = read<{ projects: Record<string, NestProject> }>('nest-cli.json').projects;

  it('nest-cli.json lists every library and app', () => {
    const listed = Object.values(projects).map((p) => p.root).sort();
    const onDisk = ['libs', 'apps'].flatMap((dir) => readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}`)).sort();
    expect(listed).toEqual(onDisk);
  });

  it.each(Object.entries(projects))('nest-cli.json project %s points at files that exist', (_, project) => {
    expect(existsSync(join(ROOT, project.sourceRoot, `${project.entryFile}.ts`))).toBe(true);
    expect(existsSync(join(ROOT, project.compilerOptions?.tsConfigPath ?? 'tsconfig.json'))).toBe(true);
    expect(project.type).toBe(project.root.startsWith('apps/') ? 'application' : 'library');
  });

  it('every root runtime dependency is imported by library or app code (the rest are devDependencies)', () => {
    const { dependencies } = read<{ dependencies: Record<string, string> }>('package.json');
    const sources = ['libs', 'apps'].flatMap((dir) => runtimeSources(join(ROOT, dir))).map((file) => readFileSync(file, 'utf8'));
    const imported = (name: string) => sources.some((text) => text.includes(`from '${name}'`) || text.includes(`from '${name}/`) || text.includes(`import '${name}'`));
    const unused = Object.keys(dependencies).filter((name) => !imported(name) && !(name in RUNTIME_WITHOUT_IMPORT));
    expect(unused).toEqual([]);
  });
});
