export interface ConsumerConfig {
  httpHost: string;
  httpPort: number;
  etcdEndpoints: string[];
  namespace: string;
}

export function readConsumerConfig(env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  return {
    httpHost: env.HTTP_HOST ?? '127.0.0.1',
    httpPort: Number(env.HTTP_PORT ?? 3000),
    etcdEndpoints: (env.ETCD_ENDPOINTS ?? 'http://127.0.0.1:2379').split(','),
    namespace: env.NESTRPC_NAMESPACE ?? 'nestrpc',
  };
}
