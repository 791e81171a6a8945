// jest.nest12.config.js: processes the suites spawn resolve @nestjs/* from .ci/nest12 too.
process.env.NESTRPC_TSCONFIG = 'tsconfig.nest12.json';
process.env.NESTRPC_EXPECT_NEST_MAJOR = '12';
