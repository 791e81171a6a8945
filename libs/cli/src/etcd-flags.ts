import { EtcdConnectionOptions } from '@nestrpc/discovery';
import { Command, Option } from 'commander';
import { readFileSync } from 'fs';
import { CliUsageError } from './cli.error';
import { stderrLogger } from './output';

/** Default endpoint, as in the apps' configuration. */
export const DEFAULT_ETCD_ENDPOINTS = 'http://127.0.0.1:2379';

export interface EtcdFlags {
  endpoints: string;
  namespace: string;
  user?: string;
  cacert?: string;
  cert?: string;
  key?: string;
  etcdTimeout: string;
}

/** The apps' etcd options as global flags, each with its environment variable. */
export function addEtcdFlags(program: Command): Command {
  return program
    .addOption(new Option('--endpoints <urls>', 'etcd endpoints, comma-separated').env('ETCD_ENDPOINTS').default(DEFAULT_ETCD_ENDPOINTS))
    .addOption(new Option('--namespace <ns>', 'key namespace of the fleet').env('NESTRPC_NAMESPACE').default('nestrpc'))
    .addOption(new Option('--user <name:password>', 'etcd user and password').env('ETCD_USER'))
    .addOption(new Option('--cacert <file>', 'CA certificate (PEM) for https endpoints').env('ETCD_CACERT'))
    .addOption(new Option('--cert <file>', 'client certificate (PEM) for mutual TLS').env('ETCD_CERT'))
    .addOption(new Option('--key <file>', 'client private key (PEM) for mutual TLS').env('ETCD_KEY'))
    .addOption(new Option('--etcd-timeout <ms>', 'deadline of each etcd request').env('NESTRPC_ETCD_TIMEOUT_MS').default('3000'));
}

/** Builds the same EtcdRegistryOptions the apps use (hosts, namespace, auth, credentials, callTimeoutMs). */
export function etcdOptionsOf(flags: EtcdFlags): EtcdConnectionOptions {
  const hosts = flags.endpoints.split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) throw new CliUsageError('--endpoints needs at least one etcd URL');
  const callTimeoutMs = Number(flags.etcdTimeout);
  if (!Number.isFinite(callTimeoutMs) || callTimeoutMs <= 0) throw new CliUsageError(`--etcd-timeout must be a positive number of ms, got "${flags.etcdTimeout}"`);
  let auth: EtcdConnectionOptions['auth'];
  if (flags.user !== undefined) {
    const at = flags.user.indexOf(':');
    if (at <= 0) throw new CliUsageError('--user must be name:password');
    auth = { username: flags.user.slice(0, at), password: flags.user.slice(at + 1) };
  }
  let credentials: EtcdConnectionOptions['credentials'];
  if (flags.cacert !== undefined) {
    credentials = { rootCertificate: readFlagFile(flags.cacert, '--cacert'), privateKey: flags.key === undefined ? undefined : readFlagFile(flags.key, '--key'), certChain: flags.cert === undefined ? undefined : readFlagFile(flags.cert, '--cert') };
  } else if (flags.cert !== undefined || flags.key !== undefined) {
    throw new CliUsageError('--cert and --key need --cacert');
  }
  return { hosts, namespace: flags.namespace, auth, credentials, callTimeoutMs, logger: stderrLogger };
}

/** Reads a file a flag names (PEM material), as a usage error naming the flag when it cannot. */
export function readFlagFile(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliUsageError(`${flag}: cannot read ${file} (${(error as Error).message})`);
  }
}
