import type { RpcClusterClient } from '@nestrpc/client';
import { InvalidPatternError, parseMethodPattern } from '@nestrpc/common';
import { EtcdGovernanceStore, EtcdRegistry, GovernanceSource, NoProvidersError, parseVersionRange } from '@nestrpc/discovery';
import type { RpcClientOptions, RpcRecord } from '@nestrpc/transport';
import { Command, Option } from 'commander';
import { concat, Observable, of } from 'rxjs';
import { setTimeout as sleep } from 'timers/promises';
import { CliUsageError } from '../cli.error';
import { CommandContext } from '../command-context';
import { readFlagFile } from '../etcd-flags';
import { printJson, printLine } from '../output';

/** Default deadline of `nestrpc call`, ms. */
export const DEFAULT_CLI_CALL_TIMEOUT_MS = 10_000;
/** How long `call` waits for discovery to list the first instance before calling. */
export const DISCOVERY_WAIT_MS = 2_000;

interface CallFlags {
  version: string;
  serializer: 'json' | 'msgpack';
  timeout: string;
  header: string[];
  address?: string;
  json?: boolean;
  token?: string;
  rpcCacert?: string;
  rpcCert?: string;
  rpcKey?: string;
}

/** What a call needs to reach providers that require a token or mTLS (docs/security.md). */
export type CallSecurity = Pick<RpcClientOptions, 'credentials' | 'tls'>;

/** `nestrpc call <Service.method> [args-json]`: a real call, through discovery or to one address. */
export function callCommand(ctx: CommandContext): Command {
  return new Command('call')
    .description('call a method through discovery and the cluster client (or one instance with --address)')
    .argument('<Service.method>')
    .argument('[args-json]', 'JSON array of arguments (a single non-array value is one argument)', '[]')
    .option('--version <range>', 'semver range of acceptable versions', '*')
    .addOption(new Option('--serializer <name>', 'wire serializer').choices(['json', 'msgpack']).default('json'))
    .option('--timeout <ms>', 'deadline of the call', String(DEFAULT_CLI_CALL_TIMEOUT_MS))
    .option('--header <k=v>', 'call header (repeatable), e.g. x-nestrpc-tag=canary', collect, [])
    .option('--address <host:port>', 'call this instance directly, bypassing discovery')
    .option('--json', 'print JSON (one line per value)')
    .addOption(new Option('--token <credential>', 'credential for providers with token authentication').env('NESTRPC_TOKEN'))
    .addOption(new Option('--rpc-cacert <file>', "CA certificate (PEM) of the providers' TLS").env('NESTRPC_RPC_CACERT'))
    .addOption(new Option('--rpc-cert <file>', 'client certificate (PEM) for providers with mTLS').env('NESTRPC_RPC_CERT'))
    .addOption(new Option('--rpc-key <file>', 'client private key (PEM) for providers with mTLS').env('NESTRPC_RPC_KEY'))
    .action(async (target: string, argsJson: string, flags: CallFlags) => {
      const { service, pattern } = parseTarget(target);
      const args = parseArgs(argsJson);
      const timeoutMs = Number(flags.timeout);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CliUsageError(`--timeout must be a positive number of ms, got "${flags.timeout}"`);
      const headers = parseHeaders(flags.header);
      // Loaded here, not at the top: the other commands start faster without Nest microservices.
      const { RpcRecord } = await import('@nestrpc/transport');
      const record = new RpcRecord(args, { headers, timeoutMs });
      const security = callSecurityOf(flags);
      const print = (value: unknown) => (flags.json === true ? printJson({ result: value ?? null }) : printLine(JSON.stringify(value ?? null, null, 2)));
      if (flags.address !== undefined) return callDirect(flags.address, pattern, record, flags.serializer, timeoutMs, print, security);
      return callCluster(ctx, service, parseVersionRange(flags.version), pattern, record, flags.serializer, timeoutMs, print, security);
    });
}

async function callCluster(
  ctx: CommandContext,
  service: string,
  range: string,
  pattern: string,
  record: RpcRecord,
  serializer: string,
  timeoutMs: number,
  print: (v: unknown) => void,
  security: CallSecurity,
): Promise<void> {
  const registry = new EtcdRegistry({ ...ctx.etcdOptions(), emptyPushProtection: false });
  const store = new EtcdGovernanceStore(ctx.connection());
  let client: RpcClusterClient | undefined;
  try {
    // The rules are read before the call so a one-shot process routes exactly like a running consumer.
    const rules = await store.rules(service);
    const governance: GovernanceSource = { watch: (name) => concat(of(rules), store.watch(name)) };
    const { RpcClusterClient } = await import('@nestrpc/client');
    client = new RpcClusterClient({ service, version: range, registry: { use: registry }, governance, timeoutMs, transport: { serializer, ...security } });
    await registry.connect();
    await client.connect();
    // The pool fills from the watch; give it a moment so a fresh process does not fail a call a running consumer would serve.
    const deadline = Date.now() + DISCOVERY_WAIT_MS;
    while (client.instances().length === 0 && Date.now() < deadline) await sleep(20);
    if (client.instances().length === 0) throw new NoProvidersError(service, range, 'none registered');
    await drain(client.send(pattern, record), print);
  } finally {
    await client?.close();
    await store.close();
    await registry.close();
  }
}

async function callDirect(address: string, pattern: string, record: RpcRecord, serializer: string, timeoutMs: number, print: (v: unknown) => void, security: CallSecurity): Promise<void> {
  const match = /^(.+):(\d{1,5})$/.exec(address);
  if (match === null) throw new CliUsageError(`--address must be host:port, got "${address}"`);
  const host = match[1].replace(/^\[(.*)\]$/, '$1');
  const { RpcClient } = await import('@nestrpc/transport');
  const client = new RpcClient({ host, port: Number(match[2]), serializer, timeoutMs, connectTimeoutMs: Math.min(timeoutMs, 5_000), reconnect: false, ...security });
  try {
    await client.connect();
    await drain(client.send(pattern, record), print);
  } finally {
    await client.close();
  }
}

/** `--token` and the `--rpc-*` certificate files as client options; mTLS files need the CA. */
export function callSecurityOf(flags: Pick<CallFlags, 'token' | 'rpcCacert' | 'rpcCert' | 'rpcKey'>): CallSecurity {
  const security: CallSecurity = {};
  if (flags.token !== undefined) security.credentials = flags.token;
  if (flags.rpcCacert !== undefined) {
    security.tls = { ca: readFlagFile(flags.rpcCacert, '--rpc-cacert') };
    if ((flags.rpcCert === undefined) !== (flags.rpcKey === undefined)) throw new CliUsageError('--rpc-cert and --rpc-key go together');
    if (flags.rpcCert !== undefined) security.tls = { ...security.tls, cert: readFlagFile(flags.rpcCert, '--rpc-cert'), key: readFlagFile(flags.rpcKey as string, '--rpc-key') };
  } else if (flags.rpcCert !== undefined || flags.rpcKey !== undefined) {
    throw new CliUsageError('--rpc-cert and --rpc-key need --rpc-cacert');
  }
  return security;
}

/** Prints every value (streams print one per value) and resolves on completion. */
function drain(source: Observable<unknown>, print: (v: unknown) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let any = false;
    source.subscribe({
      next: (value) => {
        any = true;
        print(value);
      },
      error: reject,
      complete: () => {
        if (!any) print(undefined);
        resolve();
      },
    });
  });
}

/** `HelloService.greet` → service `HelloService`, method `greet` (@nestrpc/common's pattern rule: a service name has no dot). */
export function parseTarget(target: string): { service: string; method: string; pattern: string } {
  try {
    return { ...parseMethodPattern(target), pattern: target };
  } catch (error) {
    if (error instanceof InvalidPatternError) throw new CliUsageError(`expected <Service.method>, got "${target}"`);
    throw error;
  }
}

export function parseArgs(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`args-json is not JSON (${(error as Error).message}): ${text}`);
  }
  return Array.isArray(value) ? value : [value];
}

export function parseHeaders(pairs: readonly string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliUsageError(`--header must be key=value, got "${pair}"`);
    headers[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return headers;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
