import { SpanKind, trace } from '@opentelemetry/api';
import { RpcClusterClient } from '@nestrpc/client';
import { StaticRegistry } from '@nestrpc/discovery';
import { createRpcTracing } from '@nestrpc/observability';
import { installRpcInstrumentation } from '@nestrpc/transport';
import { firstValueFrom } from 'rxjs';
import { GreeterProvider, startGreeter } from '../client/fixtures/greeter';
import { waitFor } from '../support/wait-for';
import { startTracingSdk, summarize } from './fixtures/tracing-sdk';

/** The cluster client's logical-call span: parent of every attempt (here two forks), under the caller's span. */
describe('cluster client tracing', () => {
  let sdk: ReturnType<typeof startTracingSdk>;
  let uninstall: () => void;
  const providers: GreeterProvider[] = [];
  let registry: StaticRegistry;
  let client: RpcClusterClient;

  beforeAll(async () => {
    sdk = startTracingSdk();
    uninstall = installRpcInstrumentation(createRpcTracing());
    registry = new StaticRegistry();
    for (const name of ['a', 'b']) {
      const p = await startGreeter(name);
      providers.push(p);
      await registry.register({ id: name, service: 'GreeterService', version: '1.0.0', host: '127.0.0.1', port: p.port });
    }
    client = new RpcClusterClient({ service: 'GreeterService', version: '^1', registry: { use: registry }, cluster: 'forking', forks: 2 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all(providers.map((p) => p.close()));
    await registry?.close();
    uninstall?.();
    await sdk?.stop();
  });

  it('makes one INTERNAL span per logical call, parent of each attempt\'s client span', async () => {
    // Warm up: both instances probed and ready, so the fork reaches two.
    await waitFor(async () => (await firstValueFrom(client.invoke('GreeterService.whoami', [], 'whoami')).catch(() => undefined)) !== undefined, 'the cluster to answer');
    await new Promise((r) => setTimeout(r, 200));
    sdk.exporter.reset();
    await trace.getTracer('test').startActiveSpan('request', async (root) => {
      await firstValueFrom(client.invoke('GreeterService.whoami', [], 'whoami'));
      root.end();
    });
    await waitFor(() => sdk.exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER).length === 2, 'both forks to be served');
    const spans = sdk.exporter.getFinishedSpans().map(summarize);
    const root = spans.find((s) => s.name === 'request')!;
    const logical = spans.filter((s) => s.kind === SpanKind.INTERNAL && s.name === 'GreeterService/whoami');
    expect(logical).toHaveLength(1);
    expect(logical[0].parentSpanId).toBe(root.spanId);
    expect(logical[0].attributes).toMatchObject({ 'rpc.system': 'nestrpc', 'rpc.service': 'GreeterService', 'rpc.method': 'whoami', 'nestrpc.cluster.strategy': 'forking', 'nestrpc.cluster.attempts': 2 });
    const attempts = spans.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['rpc.method'] === 'whoami');
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(logical[0].spanId);
    const served = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(served.map((s) => s.parentSpanId).sort()).toEqual(attempts.map((s) => s.spanId).sort());
  });
});
