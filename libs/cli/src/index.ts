/**
 * The public API of @nestrpc/cli: enough to embed the CLI (`runCli`, `createProgram`) and read its
 * exit codes. The commands, flags and output helpers stay inside the package. api/cli.api.md lists
 * this surface and CI checks it.
 */
export { CLI_VERSION, createProgram, runCli } from './program';
export { CliUsageError, EXIT_ETCD_UNREACHABLE, EXIT_FAILED, EXIT_USAGE } from './cli.error';
export type { CommandContext } from './command-context';
