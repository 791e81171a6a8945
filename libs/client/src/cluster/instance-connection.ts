import type { ServiceInstance } from '@nestrpc/discovery';
import { RpcClient, RpcClientOptions, RpcError, RpcRecord } from '@nestrpc/transport';
import { lastValueFrom } from 'rxjs';
import { CLUSTER_CONNECT_TIMEOUT_MS, PROBE_PATTERN } from '../constants';
import { isHealthFailure } from './call-errors';

/**
 * The connection to one instance: the transport's heartbeats (1 s, 2 missed = dead), 1 s to
 * connect, under the caller's `transport` options. No reconnect: the pool decides.
 */
export function createInstanceClient(instance: ServiceInstance, transport: Omit<RpcClientOptions, 'host' | 'port'> = {}): RpcClient {
  const client = new RpcClient({
    connectTimeoutMs: CLUSTER_CONNECT_TIMEOUT_MS,
    ...transport,
    host: instance.host,
    port: instance.port,
    reconnect: false,
  });
  client.on('error', () => undefined); // failures reach the calls; the pool ejects on them
  return client;
}

/**
 * Connect and make one round trip to a pattern nobody serves. Any answer (the server's
 * UnknownPattern refusal included) proves the peer reads and writes; a timeout or a connection
 * failure rejects.
 */
export async function probeInstance(client: RpcClient, timeoutMs: number): Promise<void> {
  await client.connect();
  try {
    await lastValueFrom(client.send(PROBE_PATTERN, new RpcRecord(undefined, { timeoutMs })), { defaultValue: undefined });
  } catch (err) {
    if (err instanceof RpcError && !isHealthFailure(err)) return;
    throw err;
  }
}
