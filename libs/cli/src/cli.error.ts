import { RpcError } from '@nestrpc/common';

/** Exit codes: 1 the operation failed (call error, no provider), 2 bad usage or rule, 3 etcd unreachable. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ETCD_UNREACHABLE = 3;

/** A command line the CLI cannot run (bad flag value, malformed JSON argument). */
export class CliUsageError extends RpcError {
  readonly code = 'CLI_USAGE';
}
