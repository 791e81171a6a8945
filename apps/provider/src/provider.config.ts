/** Everything the provider reads from its environment, with defaults. Also read by docker-compose. */
export interface ProviderConfig {
  instanceName: string;
  httpHost: string;
  httpPort: number;
  rpcHost: string;
  rpcPort: number;
  advertiseHost: string | undefined;
  etcdEndpoints: string[];
  namespace: string;
  helloVersions: ('1' | '2')[];
  weight: number;
  deregisterGraceMs: number;
}

export function readProviderConfig(env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const versions = (env.HELLO_VERSIONS ?? '1').split(',').map((v) => v.trim());
  for (const v of versions) if (v !== '1' && v !== '2') throw new Error(`HELLO_VERSIONS must list 1 and/or 2, got "${env.HELLO_VERSIONS}"`);
  return {
    instanceName: env.INSTANCE_NAME ?? `provider-${process.pid}`,
    httpHost: env.HTTP_HOST ?? '127.0.0.1',
    httpPort: Number(env.HTTP_PORT ?? 0),
    rpcHost: env.RPC_HOST ?? '127.0.0.1',
    rpcPort: Number(env.RPC_PORT ?? 0),
    advertiseHost: env.ADVERTISE_HOST || undefined,
    etcdEndpoints: (env.ETCD_ENDPOINTS ?? 'http://127.0.0.1:2379').split(','),
    namespace: env.NESTRPC_NAMESPACE ?? 'nestrpc',
    helloVersions: versions as ('1' | '2')[],
    weight: Number(env.SERVICE_WEIGHT ?? 1),
    deregisterGraceMs: Number(env.DEREGISTER_GRACE_MS ?? 2000),
  };
}
