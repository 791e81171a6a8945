import { spawnTs, TsChild } from '../support/child-process';
import { LocalEtcd, startEtcd } from '../support/etcd';
import { waitFor } from '../support/wait-for';

/** The value of one sample line (`name{labels} value`) in a Prometheus text scrape, 0 when absent. */
function sample(scrape: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',');
    if (wanted.every((w) => present.includes(w))) return Number(match[3]);
  }
  return 0;
}

/**
 * The demo's provider and consumer apps in their own processes with a real etcd: /metrics
 * moves as calls are made, /health reflects discovery, and the provider's readiness turns down
 * as soon as it starts shutting down while its HTTP server still answers.
 */
describe('metrics and health of running apps', () => {
  let etcd: LocalEtcd;
  let provider: TsChild;
  let consumer: TsChild;
  let providerUrl: string;
  let consumerUrl: string;

  beforeAll(async () => {
    etcd = await startEtcd();
    const common = { ETCD_ENDPOINTS: etcd.endpoints.join(','), NESTRPC_NAMESPACE: `obs-${process.pid}`, HTTP_PORT: '0' };
    provider = spawnTs('apps/provider/src/main.ts', { ...common, INSTANCE_NAME: 'p1', HELLO_VERSIONS: '1,2', DEREGISTER_GRACE_MS: '3000' });
    consumer = spawnTs('apps/consumer/src/main.ts', common);
    providerUrl = `http://127.0.0.1:${(await provider.waitForLine(/READY name=p1 http=(\d+)/, 30_000))[1]}`;
    consumerUrl = `http://127.0.0.1:${(await consumer.waitForLine(/READY http=(\d+)/, 30_000))[1]}`;
    await waitFor(async () => (await fetch(`${consumerUrl}/hello?name=probe`)).ok, 'the consumer to reach the provider', 15_000, 100);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
    await etcd?.stop();
  });

  const scrape = async (url: string): Promise<string> => {
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('counts calls, durations (histogram buckets), attempts, instances and server traffic as calls are made', async () => {
    const hello = { service: 'HelloService', method: 'greet', status: 'OK' };
    const [consumerBefore, providerBefore] = await Promise.all([scrape(consumerUrl), scrape(providerUrl)]);
    for (let i = 0; i < 5; i++) expect((await fetch(`${consumerUrl}/hello?name=m${i}`)).ok).toBe(true);
    const [consumerAfter, providerAfter] = await Promise.all([scrape(consumerUrl), scrape(providerUrl)]);
    const moved = (after: string, before: string, name: string, labels?: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    expect(moved(consumerAfter, consumerBefore, 'nestrpc_client_calls_total', hello)).toBe(5);
    expect(moved(consumerAfter, consumerBefore, 'nestrpc_client_call_duration_seconds_count', hello)).toBe(5);
    expect(moved(consumerAfter, consumerBefore, 'nestrpc_client_call_duration_seconds_bucket', { ...hello, le: '+Inf' })).toBe(5);
    expect(moved(consumerAfter, consumerBefore, 'nestrpc_client_call_duration_seconds_bucket', { ...hello, le: '10' })).toBe(5);
    expect(moved(consumerAfter, consumerBefore, 'nestrpc_client_requests_total', hello)).toBe(5);
    expect(moved(consumerAfter, consumerBefore, 'nestrpc_client_attempts_total', { service: 'HelloService' })).toBe(5);
    // Two contracts watch HelloService (^1 and ^2): each version is counted once, by the range that lists it.
    expect(sample(consumerAfter, 'nestrpc_client_instances', { service: 'HelloService', version: '1.0.0' })).toBe(1);
    expect(sample(consumerAfter, 'nestrpc_client_instances', { service: 'HelloService', version: '2.0.0' })).toBe(1);

    expect(moved(providerAfter, providerBefore, 'nestrpc_server_calls_total', hello)).toBe(5);
    expect(moved(providerAfter, providerBefore, 'nestrpc_server_call_duration_seconds_bucket', { ...hello, le: '+Inf' })).toBe(5);
    expect(moved(providerAfter, providerBefore, 'nestrpc_server_frames_received_total')).toBeGreaterThanOrEqual(5);
    expect(moved(providerAfter, providerBefore, 'nestrpc_server_received_bytes_total')).toBeGreaterThan(0);
    expect(moved(providerAfter, providerBefore, 'nestrpc_server_sent_bytes_total')).toBeGreaterThan(0);
    expect(sample(providerAfter, 'nestrpc_server_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(providerAfter, 'nestrpc_server_calls_in_flight', { service: 'HelloService' })).toBe(0);
    expect(consumerAfter).toMatch(/^nestrpc_client_registry_watch_live\{service="HelloService"\} 1$/m);
    // No instance ids: label values stay bounded however many instances come and go.
    expect(consumerAfter).not.toMatch(/instance="[^"]+"/);
  });

  it('reports both apps ready with what the indicators saw', async () => {
    const consumerHealth = await fetch(`${consumerUrl}/health`);
    expect(consumerHealth.status).toBe(200);
    const consumerBody = (await consumerHealth.json()) as { status: string; details: Record<string, { status: string; contracts: Record<string, { available: number; registry: string }> }> };
    expect(consumerBody.status).toBe('ok');
    expect(consumerBody.details['rpc-clients'].contracts['HelloService@^1']).toMatchObject({ available: 1, registry: 'live' });

    const providerHealth = await fetch(`${providerUrl}/health`);
    expect(providerHealth.status).toBe(200);
    const providerBody = (await providerHealth.json()) as { details: Record<string, Record<string, unknown>> };
    expect(providerBody.details['rpc-server']).toMatchObject({ status: 'up', listening: true, stopping: false, registered: 3, leaseAlive: true });
  });

  it('turns the provider unready as soon as it shuts down, while it still serves HTTP, and the consumer unready once it is gone', async () => {
    provider.process.kill('SIGTERM');
    // The deregistration grace is 3 s: the HTTP server is still up and answers 503.
    await waitFor(async () => (await fetch(`${providerUrl}/health`)).status === 503, 'provider readiness to turn down', 2_500, 20);
    const body = (await (await fetch(`${providerUrl}/health`)).json()) as { error: Record<string, Record<string, unknown>> };
    expect(body.error['rpc-server']).toMatchObject({ status: 'down', stopping: true, message: 'shutting down' });
    await waitFor(async () => (await fetch(`${consumerUrl}/health`)).status === 503, 'consumer readiness to turn down', 10_000, 50);
  });

  it("reports the consumer's registry watch as not live (serving from cache) once etcd is gone, from the registry's own state", async () => {
    expect(await scrape(consumerUrl)).toMatch(/^nestrpc_client_registry_watch_live\{service="HelloService"\} 1$/m);
    await etcd.stop();
    // The watch stream breaks when etcd's process exits; keepalive would notice a frozen one within ~15 s.
    await waitFor(async () => /^nestrpc_client_registry_watch_live\{service="HelloService"\} 0$/m.test(await scrape(consumerUrl)), 'the watch state gauge to read 0', 15_000, 100);
  }, 30_000);
});
