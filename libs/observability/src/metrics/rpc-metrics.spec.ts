import { RpcCallInfo } from '@nestrpc/transport';
import { Registry } from 'prom-client';
import { RpcMetrics } from './rpc-metrics';

const call = (pattern: string, kind: 'call' | 'event' = 'call'): RpcCallInfo => ({ pattern, meta: {}, peer: '127.0.0.1:9', kind });

describe('RpcMetrics', () => {
  let registry: Registry;
  let metrics: RpcMetrics;
  beforeEach(() => {
    registry = new Registry();
    metrics = new RpcMetrics({ registry });
  });

  const value = async (name: string, labels: Record<string, string | number> = {}): Promise<number | undefined> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
    return values.find((v) => (v.metricName === undefined || v.metricName === name || name.endsWith('_seconds')) && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
  };

  it('sums the client in-flight gauge over every method of a service', async () => {
    const a = metrics.clientCall(call('Svc.a'));
    const b = metrics.clientCall(call('Svc.b'));
    expect(await value('nestrpc_client_requests_in_flight', { service: 'Svc' })).toBe(2);
    a.end();
    expect(await value('nestrpc_client_requests_in_flight', { service: 'Svc' })).toBe(1);
    b.end();
    expect(await value('nestrpc_client_requests_in_flight', { service: 'Svc' })).toBe(0);
  });

  it('counts server calls by status with a duration histogram, and in flight per service', async () => {
    const ok = metrics.serverCall(call('Svc.a'));
    const failed = metrics.serverCall(call('Svc.b'));
    expect(ok.run).toBeUndefined(); // metrics set no context: the transport calls the handler directly
    expect(await value('nestrpc_server_calls_in_flight', { service: 'Svc' })).toBe(2);
    ok.end();
    failed.end(Object.assign(new Error('no'), { code: 'NOPE' }));
    expect(await value('nestrpc_server_calls_in_flight', { service: 'Svc' })).toBe(0);
    expect(await value('nestrpc_server_calls_total', { service: 'Svc', method: 'a', status: 'OK' })).toBe(1);
    expect(await value('nestrpc_server_calls_total', { service: 'Svc', method: 'b', status: 'NOPE' })).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain('nestrpc_server_call_duration_seconds_bucket{service="Svc",method="a",status="OK",le="+Inf"} 1');
    expect(text).toContain('nestrpc_server_call_duration_seconds_count{service="Svc",method="b",status="NOPE"} 1');
  });

  it('counts events once, and frames in and out as plain counters read when scraped', async () => {
    metrics.serverCall(call('Svc.note', 'event')).end();
    metrics.clientCall(call('Svc.note', 'event')).end();
    metrics.serverFrameIn();
    metrics.serverFrameIn();
    metrics.serverFrameOut();
    expect(await value('nestrpc_server_calls_total', { service: 'Svc', method: 'note', status: 'OK' })).toBe(1);
    expect(await value('nestrpc_client_requests_total', { service: 'Svc', method: 'note', status: 'OK' })).toBe(1);
    expect(await value('nestrpc_server_frames_received_total')).toBe(2);
    expect(await value('nestrpc_server_frames_sent_total')).toBe(1);
    expect(await value('nestrpc_server_frames_received_total')).toBe(2); // a scrape does not add again
  });

  it('counts logical calls and their retries', async () => {
    const logical = metrics.logicalCall({ service: 'Svc', pattern: 'Svc.a', strategy: 'failover' });
    logical.retried();
    logical.end();
    expect(await value('nestrpc_client_calls_total', { service: 'Svc', method: 'a', status: 'OK' })).toBe(1);
    expect(await value('nestrpc_client_retries_total', { service: 'Svc' })).toBe(1);
  });

  it('reads registry watch states at scrape time: 1 live, 0 serving from cache (cache wins when two sources disagree)', async () => {
    const states = new Map<string, 'live' | 'cache'>([['A', 'live'], ['B', 'live']]);
    const remove = metrics.watchRegistry(() => states);
    metrics.watchRegistry(() => [['B', 'cache'] as const]);
    expect(await value('nestrpc_client_registry_watch_live', { service: 'A' })).toBe(1);
    expect(await value('nestrpc_client_registry_watch_live', { service: 'B' })).toBe(0);
    states.set('A', 'cache');
    expect(await value('nestrpc_client_registry_watch_live', { service: 'A' })).toBe(0);
    remove();
    expect(await value('nestrpc_client_registry_watch_live', { service: 'A' })).toBeUndefined();
  });

  it('labels ejections by instance only when instanceLabels asks for it', async () => {
    metrics.cluster({ type: 'ejected', service: 'Svc', instance: '10.0.0.1:7000' });
    expect(await value('nestrpc_client_ejections_total', { service: 'Svc' })).toBe(1);
    expect(await registry.metrics()).not.toContain('10.0.0.1');
    const perInstance = new RpcMetrics({ registry: (registry = new Registry()), instanceLabels: true });
    perInstance.cluster({ type: 'ejected', service: 'Svc', instance: '10.0.0.1:7000' });
    expect(await value('nestrpc_client_ejections_total', { service: 'Svc', instance: '10.0.0.1:7000' })).toBe(1);
  });

  it('counts the cluster signals: attempts, retry-budget exhaustion, instances per version (a gone version reads 0)', async () => {
    metrics.cluster({ type: 'attempt', service: 'Svc' });
    metrics.cluster({ type: 'retry-budget-exhausted', service: 'Svc' });
    metrics.cluster({ type: 'instances', service: 'Svc', range: '^1', byVersion: new Map([['1.0.0', 2], ['1.1.0', 1]]) });
    metrics.cluster({ type: 'instances', service: 'Svc', range: '^1', byVersion: new Map([['1.1.0', 3]]) });
    expect(await value('nestrpc_client_attempts_total', { service: 'Svc' })).toBe(1);
    expect(await value('nestrpc_client_retry_budget_exhausted_total', { service: 'Svc' })).toBe(1);
    expect(await value('nestrpc_client_instances', { service: 'Svc', version: '1.1.0' })).toBe(3);
    expect(await value('nestrpc_client_instances', { service: 'Svc', version: '1.0.0' })).toBe(0);
  });
});
