import { SpanKind } from '@opentelemetry/api';
import { RpcClient } from '@nestrpc/transport';
import { lastValueFrom } from 'rxjs';
import { spawnTs, TsChild } from '../support/child-process';
import { waitFor } from '../support/wait-for';
import { SpanSummary } from './fixtures/tracing-sdk';

/** instrumentation-nestjs-core 0.70 patches Nest 4–11 (its `supportedVersions`); the Nest 12 CI runs this file too. */
const NEST_INSTRUMENTED = Number((require('@nestjs/core/package.json') as { version: string }).version.split('.')[0]) < 12;

/**
 * An HTTP request → consumer → provider is one trace with the app's own HTTP and Nest
 * instrumentations: the consumer (Nest HTTP app on express, SDK + @opentelemetry/instrumentation-http
 * + instrumentation-nestjs-core) and the provider run in their own processes, each with the SDK's
 * in-memory exporter; the spans of both are joined here by ids.
 */
describe('HTTP request → consumer → provider as one trace', () => {
  let provider: TsChild;
  let consumer: TsChild;
  let providerPort: number;
  let consumerUrl: string;

  beforeAll(async () => {
    provider = spawnTs('test/observability/fixtures/traced-server.main.ts', { HOP_NAME: 'provider' });
    providerPort = Number((await provider.waitForLine(/READY (\d+)/, 30_000))[1]);
    consumer = spawnTs('test/observability/fixtures/http-consumer.main.ts', { PROVIDER_PORT: String(providerPort) });
    consumerUrl = `http://127.0.0.1:${(await consumer.waitForLine(/READY http=(\d+)/, 30_000))[1]}`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([consumer?.stop(), provider?.stop()]);
  });

  const providerSpans = async (): Promise<SpanSummary[]> => {
    const dumper = new RpcClient({ host: '127.0.0.1', port: providerPort });
    try {
      return await lastValueFrom(dumper.send<SpanSummary[]>('Spans.dump', null));
    } finally {
      await dumper.close();
    }
  };

  it('links the HTTP server span, the Nest spans, the nestrpc client span and the provider span parent to child', async () => {
    const response = await fetch(`${consumerUrl}/chain`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answer: 'provider' });

    const rpcServer = (await providerSpans()).find((s) => s.name === 'Chain/hop' && s.kind === SpanKind.SERVER);
    expect(rpcServer).toBeDefined();
    // The HTTP server span ends after the response is written: wait for the consumer to export it.
    let consumerSpans: SpanSummary[] = [];
    await waitFor(
      async () => {
        consumerSpans = ((await (await fetch(`${consumerUrl}/spans`)).json()) as SpanSummary[]).filter((s) => s.traceId === rpcServer!.traceId);
        return consumerSpans.some((s) => s.kind === SpanKind.SERVER && s.parentSpanId === undefined);
      },
      'the consumer to export the HTTP request span',
      5_000,
      50,
    );
    const byId = new Map(consumerSpans.map((s) => [s.spanId, s]));

    // Walk from the provider's span up to the root: every parent is in the same trace, in the consumer.
    const chain: SpanSummary[] = [rpcServer!];
    for (let parent = byId.get(rpcServer!.parentSpanId ?? ''); parent !== undefined; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
    const root = chain[chain.length - 1];
    expect(root.parentSpanId).toBeUndefined();
    expect(chain.every((s) => s.traceId === rpcServer!.traceId)).toBe(true);

    const [server, client, ...between] = chain;
    expect(server).toMatchObject({ kind: SpanKind.SERVER, attributes: { 'rpc.system': 'nestrpc', 'rpc.service': 'Chain', 'rpc.method': 'hop' } });
    expect(client).toMatchObject({ name: 'Chain/hop', kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'nestrpc', 'server.port': providerPort } });
    // HTTP server span (instrumentation-http) at the root, Nest's request and handler spans between it and ours.
    expect(root).toMatchObject({ kind: SpanKind.SERVER, attributes: expect.objectContaining({ 'http.request.method': 'GET', 'url.path': '/chain' }) });
    const nest = between.slice(0, -1);
    if (!NEST_INSTRUMENTED) return expect(nest).toEqual([]); // Nest 12: the chain holds without Nest's spans
    expect(nest.map((s) => s.attributes['nestjs.type'])).toEqual(expect.arrayContaining(['handler', 'request_context']));
    expect(nest.find((s) => s.attributes['nestjs.type'] === 'handler')?.attributes['nestjs.callback']).toBe('chain');
  });
});
