import { readFileSync } from 'fs';

/**
 * Guards the Nest 12 run (jest.nest12.config.js) against silently testing Nest 11: the
 * @nestjs/* the suites load must be the major the run is for (11 in the default run).
 */
describe('the Nest the suites run against', () => {
  const expected = Number(process.env.NESTRPC_EXPECT_NEST_MAJOR ?? 11);

  it.each(['@nestjs/common', '@nestjs/core', '@nestjs/microservices'])('%s has the expected major', (name) => {
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    expect(Number(manifest.version.split('.')[0])).toBe(expected);
  });
});
