import { Context, createTraceState, SpanContext, trace, TraceFlags } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Where trace context travels: the frame metadata's two W3C fields. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * `ctx` with the remote span context `carrier` holds, or `ctx` unchanged when it holds none or
 * a malformed one (W3C Trace Context level 1; a bad header is ignored, never an error). Our own
 * parser, not the SDK's propagator: the API package has none and the app may register any.
 */
export function extractTraceContext(ctx: Context, carrier: TraceCarrier): Context {
  const header = carrier.traceparent;
  if (header === undefined) return ctx;
  const match = TRACEPARENT.exec(header.trim().toLowerCase());
  if (match === null) return ctx;
  const spanContext: SpanContext = {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16) & TraceFlags.SAMPLED,
    isRemote: true,
    traceState: carrier.tracestate === undefined ? undefined : createTraceState(carrier.tracestate),
  };
  return trace.isSpanContextValid(spanContext) ? trace.setSpanContext(ctx, spanContext) : ctx;
}

/** Writes `spanContext` into `carrier`; an invalid one (no SDK, nothing inherited) leaves it as it is. */
export function injectTraceContext(spanContext: SpanContext, carrier: TraceCarrier): void {
  if (!trace.isSpanContextValid(spanContext)) return;
  carrier.traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-0${(spanContext.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
  const state = spanContext.traceState?.serialize();
  if (state !== undefined && state.length > 0) carrier.tracestate = state;
  else delete carrier.tracestate;
}
