/**
 * The transport and starter suites against Nest 12 (ESM-only), installed by .ci/run in
 * .ci/nest12 (the repo itself develops against Nest 11). Every @nestjs/*, rxjs and
 * reflect-metadata import, ours and Nest's own, resolves to that one install, so there is a
 * single instance of each; @swc/jest compiles our TypeScript and Nest 12's ESM to CommonJS.
 * Child processes the suites spawn get the same mapping through tsconfig.nest12.json.
 * @type {import('jest').Config}
 */
const { resolve } = require('path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const NEST12 = resolve(__dirname, '.ci/nest12/node_modules');

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/libs/transport', '<rootDir>/libs/server', '<rootDir>/libs/client', '<rootDir>/test'],
  testRegex: [
    'libs/(transport|server|client)/src/.*\\.spec\\.ts$',
    'test/(transport|server|client|e2e)/.*\\.(int-spec|e2e-spec)\\.ts$',
    'test/packaging/nest-major\\.spec\\.ts$',
  ],
  setupFiles: ['<rootDir>/test/packaging/nest12.setup.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      `${NEST12}/@swc/jest`,
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: {
    '^@nestjs/(.*)$': `${NEST12}/@nestjs/$1`,
    '^rxjs$': `${NEST12}/rxjs`,
    '^rxjs/(.*)$': `${NEST12}/rxjs/$1`,
    '^reflect-metadata$': `${NEST12}/reflect-metadata`,
    ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  },
  modulePathIgnorePatterns: ['<rootDir>/libs/.*/dist', '<rootDir>/dist'],
  testTimeout: 30000,
};
