#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { stderrLogger } from './output';
import { runCli } from './program';

// Library logs (cluster client, registry) must not mix with the tables and JSON on stdout.
Logger.overrideLogger(stderrLogger);
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
