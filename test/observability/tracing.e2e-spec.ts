import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createRpcTracing } from '@nestrpc/observability';
import { installRpcInstrumentation, RpcClient, RpcRecord } from '@nestrpc/transport';
import { lastValueFrom, toArray } from 'rxjs';
import { spawnTs, TsChild } from '../support/child-process';
import { waitFor } from '../support/wait-for';
import { SpanSummary, startTracingSdk, summarize } from './fixtures/tracing-sdk';

/**
 * Traces across processes with the real SDK and its in-memory exporter: this process (A)
 * calls B, which calls C; each process exports its own spans, joined here by ids.
 */
describe('tracing across processes', () => {
  let sdk: ReturnType<typeof startTracingSdk>;
  let uninstall: () => void;
  let hopB: TsChild;
  let hopC: TsChild;
  let client: RpcClient;
  let portB: number;

  beforeAll(async () => {
    sdk = startTracingSdk();
    uninstall = installRpcInstrumentation(createRpcTracing());
    hopC = spawnTs('test/observability/fixtures/traced-server.main.ts', { HOP_NAME: 'C' });
    const portC = (await hopC.waitForLine(/READY (\d+)/, 30_000))[1];
    hopB = spawnTs('test/observability/fixtures/traced-server.main.ts', { HOP_NAME: 'B', NEXT_PORT: portC });
    portB = Number((await hopB.waitForLine(/READY (\d+)/, 30_000))[1]);
    client = new RpcClient({ host: '127.0.0.1', port: portB });
    await client.connect();
  }, 60_000); // two ts-node children starting one after the other on a loaded 2-core machine

  afterAll(async () => {
    await client?.close();
    await Promise.all([hopB?.stop(), hopC?.stop()]);
    uninstall?.();
    await sdk?.stop();
  });

  beforeEach(() => sdk.exporter.reset());

  const local = (): SpanSummary[] => sdk.exporter.getFinishedSpans().map(summarize);
  const remote = async (port: number): Promise<SpanSummary[]> => {
    const dumper = new RpcClient({ host: '127.0.0.1', port });
    try {
      return await lastValueFrom(dumper.send<SpanSummary[]>('Spans.dump', null));
    } finally {
      await dumper.close();
    }
  };
  const one = (spans: SpanSummary[], predicate: (s: SpanSummary) => boolean, what: string): SpanSummary => {
    const found = spans.filter(predicate);
    if (found.length !== 1) throw new Error(`expected one ${what}, got ${found.length}: ${JSON.stringify(spans, null, 1)}`);
    return found[0];
  };

  it('links A → B → C end to end in one trace, with RPC semantic-convention attributes', async () => {
    const tracer = trace.getTracer('test');
    const answer = await tracer.startActiveSpan('request', async (root) => {
      try {
        return await lastValueFrom(client.send<string>('Chain.hop', null));
      } finally {
        root.end();
      }
    });
    expect(answer).toBe('B>C');

    const spansA = local();
    const root = one(spansA, (s) => s.name === 'request', 'root span');
    const clientA = one(spansA, (s) => s.kind === SpanKind.CLIENT, 'client span in A');
    const portC = Number(hopC.output().match(/READY (\d+)/)![1]);
    await waitFor(async () => (await remote(portC)).some((s) => s.traceId === root.traceId), 'C to export its span', 5_000);
    const spansB = (await remote(portB)).filter((s) => s.traceId === root.traceId);
    const spansC = (await remote(portC)).filter((s) => s.traceId === root.traceId);
    const serverB = one(spansB, (s) => s.kind === SpanKind.SERVER, 'server span in B');
    const clientB = one(spansB, (s) => s.kind === SpanKind.CLIENT, 'client span in B');
    const serverC = one(spansC, (s) => s.kind === SpanKind.SERVER, 'server span in C');

    expect(clientA.parentSpanId).toBe(root.spanId);
    expect(serverB.parentSpanId).toBe(clientA.spanId);
    expect(clientB.parentSpanId).toBe(serverB.spanId); // the server span is active in the handler
    expect(serverC.parentSpanId).toBe(clientB.spanId);
    expect(new Set([root, clientA, serverB, clientB, serverC].map((s) => s.traceId)).size).toBe(1);

    expect(clientA.name).toBe('Chain/hop');
    expect(clientA.attributes).toMatchObject({ 'rpc.system': 'nestrpc', 'rpc.service': 'Chain', 'rpc.method': 'hop', 'server.address': '127.0.0.1', 'server.port': portB });
    expect(serverB.attributes).toMatchObject({ 'rpc.system': 'nestrpc', 'rpc.service': 'Chain', 'rpc.method': 'hop' });
    expect(serverC.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('links a three-hop chain whose middle hop calls through the cluster client, each hop seeing less of the deadline', async () => {
    const tracer = trace.getTracer('test');
    const left = await tracer.startActiveSpan('request', async (root) => {
      try {
        return await lastValueFrom(client.send<number[]>('Chain.budget', new RpcRecord(null, { timeoutMs: 5_000 })));
      } finally {
        root.end();
      }
    });
    // B had (a little less than) the 5 s A gave it; C got what was left of B's, not a fresh default.
    expect(left).toHaveLength(2);
    expect(left[0]).toBeGreaterThan(0);
    expect(left[0]).toBeLessThanOrEqual(5_000);
    expect(left[1]).toBeGreaterThan(0);
    expect(left[1]).toBeLessThanOrEqual(left[0]);

    const root = one(local(), (s) => s.name === 'request', 'root span');
    const clientA = one(local(), (s) => s.kind === SpanKind.CLIENT, 'client span in A');
    const portC = Number(hopC.output().match(/READY (\d+)/)![1]);
    await waitFor(async () => (await remote(portC)).some((s) => s.traceId === root.traceId), 'C to export its span', 5_000);
    const spansB = (await remote(portB)).filter((s) => s.traceId === root.traceId);
    const serverB = one(spansB, (s) => s.kind === SpanKind.SERVER, 'server span in B');
    const logicalB = one(spansB, (s) => s.kind === SpanKind.INTERNAL, 'logical call span in B');
    const clientB = one(spansB, (s) => s.kind === SpanKind.CLIENT, 'attempt span in B');
    const serverC = one((await remote(portC)).filter((s) => s.traceId === root.traceId), (s) => s.kind === SpanKind.SERVER, 'server span in C');
    expect(clientA.parentSpanId).toBe(root.spanId);
    expect(serverB.parentSpanId).toBe(clientA.spanId);
    expect(logicalB.parentSpanId).toBe(serverB.spanId);
    expect(clientB.parentSpanId).toBe(logicalB.spanId);
    expect(serverC.parentSpanId).toBe(clientB.spanId);
    expect(logicalB.attributes).toMatchObject({ 'rpc.service': 'Chain', 'rpc.method': 'budget', 'nestrpc.cluster.strategy': 'failover' });
  });

  it('marks both sides of a failed call as errors with error.type', async () => {
    await expect(lastValueFrom(client.send('Chain.fail', null))).rejects.toBeDefined();
    const clientA = one(local(), (s) => s.kind === SpanKind.CLIENT, 'client span');
    expect(clientA.status.code).toBe(SpanStatusCode.ERROR);
    expect(clientA.attributes['error.type']).toBe('NOPE');
    const serverB = one(await remote(portB), (s) => s.kind === SpanKind.SERVER && s.traceId === clientA.traceId, 'server span');
    expect(serverB.parentSpanId).toBe(clientA.spanId);
    expect(serverB.status.code).toBe(SpanStatusCode.ERROR);
    expect(serverB.attributes['error.type']).toBe('NOPE');
  });

  it('propagates through streams and events, and parents on an inherited traceparent when no span is active', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const inherited = `00-${traceId}-00f067aa0ba902b7-01`;
    expect(await lastValueFrom(client.send('Chain.count', new RpcRecord(null, { traceparent: inherited })).pipe(toArray()))).toEqual([1, 2, 3]);
    await lastValueFrom(client.emit('Chain.note', { note: 1 }), { defaultValue: undefined });

    const streamClient = one(local(), (s) => s.kind === SpanKind.CLIENT, 'stream client span');
    expect(streamClient.traceId).toBe(traceId);
    expect(streamClient.parentSpanId).toBe('00f067aa0ba902b7');
    const producer = one(local(), (s) => s.kind === SpanKind.PRODUCER, 'event producer span');
    await waitFor(async () => (await remote(portB)).some((s) => s.kind === SpanKind.CONSUMER && s.traceId === producer.traceId), 'B to trace the event', 5_000);
    const spansB = await remote(portB);
    expect(one(spansB, (s) => s.kind === SpanKind.SERVER && s.traceId === traceId, 'stream server span').parentSpanId).toBe(streamClient.spanId);
    expect(one(spansB, (s) => s.kind === SpanKind.CONSUMER && s.traceId === producer.traceId, 'event span').parentSpanId).toBe(producer.spanId);
  });
});
