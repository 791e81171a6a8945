import { Context, context, ProxyTracerProvider, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import type { CallProbe, LogicalCallInfo, LogicalCallProbe, RpcCallInfo, RpcInstrumentation } from '@nestrpc/transport';
import { extractTraceContext, injectTraceContext, TraceCarrier } from './trace-context';
import { errorTypeOf, RPC_SYSTEM, splitAddress, splitPattern } from './rpc-semantics';

export interface RpcTracingOptions {
  /** Tracer name. Default '@nestrpc/observability'. */
  tracerName?: string;
}


/**
 * Spans for nestrpc calls with the OpenTelemetry API alone (the app registers the SDK; without
 * one every call below is the API's no-op). Client span per attempt, server span per handled
 * call, one INTERNAL span per logical cluster-client call; W3C trace context travels in the
 * frame's `traceparent`/`tracestate` fields (see trace-context.ts).
 */
export function createRpcTracing(options: RpcTracingOptions = {}): RpcInstrumentation {
  const name = options.tracerName ?? '@nestrpc/observability';
  // Looked up per span: the app may register its provider after this instrumentation is installed.
  const tracer = (): Tracer => trace.getTracer(name);
  // No SDK: no probe at all. The call scope and the frame already pass an inherited traceparent
  // on unchanged, which is all a no-op span would do, at the cost of a few property reads.
  // nestrpc's own calls (`$nestrpc.*`: the cluster client's readiness probe) are not the app's
  // work: started lazily by a user's first call, a probe would otherwise show up inside its trace.
  return {
    serverCall: (info) => (sdkRegistered() && !isInternal(info.pattern) ? serverSpan(tracer(), info) : undefined),
    clientCall: (info) => (sdkRegistered() && !isInternal(info.pattern) ? clientSpan(tracer(), info) : undefined),
    logicalCall: (info) => (sdkRegistered() ? logicalSpan(tracer(), info) : undefined),
  };
}

/** `$nestrpc.*` patterns are the toolkit's own (no handler is ever named with a `$`). */
function isInternal(pattern: string): boolean {
  return pattern.charCodeAt(0) === 36; // '$'
}

/** What the global proxy delegates to while no SDK has registered a provider (the API's no-op singleton). */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** True once an SDK (any TracerProvider) is registered globally. */
export function sdkRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER;
}

function attributesOf(info: { pattern: string }): Record<string, string> {
  const { service, method } = splitPattern(info.pattern);
  return { 'rpc.system': RPC_SYSTEM, 'rpc.service': service, 'rpc.method': method };
}

function serverSpan(tracer: Tracer, info: RpcCallInfo): CallProbe {
  const parent = extractTraceContext(ROOT_CONTEXT, info.meta);
  const { service, method } = splitPattern(info.pattern);
  const { host, port } = splitAddress(info.peer);
  const span = tracer.startSpan(
    `${service || RPC_SYSTEM}/${method}`,
    { kind: info.kind === 'event' ? SpanKind.CONSUMER : SpanKind.SERVER, attributes: { ...attributesOf(info), 'client.address': host, ...(port === undefined ? {} : { 'client.port': port }) } },
    parent,
  );
  const active = trace.setSpan(parent, span);
  return { run: (fn) => context.with(active, fn), end: (error) => endSpan(span, error) };
}

function clientSpan(tracer: Tracer, info: RpcCallInfo): CallProbe {
  const meta = info.meta as TraceCarrier;
  // The active span (a handler's server span, a logical call, an HTTP request) is the parent; with
  // none, the trace context the call carries already (inherited from the call scope, or set by hand).
  const active = context.active();
  const parent = trace.getSpan(active) !== undefined ? active : extractTraceContext(active, meta);
  const { service, method } = splitPattern(info.pattern);
  const { host, port } = splitAddress(info.peer);
  const span = tracer.startSpan(
    `${service || RPC_SYSTEM}/${method}`,
    { kind: info.kind === 'event' ? SpanKind.PRODUCER : SpanKind.CLIENT, attributes: { ...attributesOf(info), 'server.address': host, ...(port === undefined ? {} : { 'server.port': port }) } },
    parent,
  );
  // Without an SDK the span is non-recording with its parent's context: what was inherited passes on unchanged.
  injectTraceContext(span.spanContext(), meta);
  return { run: (fn) => context.with(trace.setSpan(parent, span), fn), end: (error) => endSpan(span, error) };
}

function logicalSpan(tracer: Tracer, info: LogicalCallInfo): LogicalCallProbe {
  const { service, method } = splitPattern(info.pattern);
  const span = tracer.startSpan(`${service || info.service}/${method}`, {
    kind: SpanKind.INTERNAL,
    attributes: { ...attributesOf(info), 'rpc.service': service || info.service, 'nestrpc.cluster.strategy': info.strategy },
  });
  const active = trace.setSpan(context.active(), span);
  let attempts = 1;
  return {
    run: (fn) => context.with(active, fn),
    retried: () => span.setAttribute('nestrpc.cluster.attempts', ++attempts),
    end: (error) => endSpan(span, error),
  };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    const type = errorTypeOf(error);
    span.setAttribute('error.type', type);
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string') span.setAttribute('rpc.response.status_code', code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
    if (error instanceof Error) span.recordException(error);
  }
  span.end();
}

export type { Context };
