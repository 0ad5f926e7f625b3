import { isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` of a context. Through the registered propagator first; when the process runs
 * without the OpenTelemetry SDK (tests, a one-off command) no propagator is registered and the
 * header is written by hand, so an event never silently loses its trace.
 */
export function traceparentOf(context: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  if (carrier['traceparent']) return carrier['traceparent'];
  const spanContext = trace.getSpanContext(context);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The remote parent a stored or received `traceparent` stands for (the root context when absent or malformed). */
export function contextFromTraceparent(traceparent: string | undefined | null): Context {
  if (!traceparent) return ROOT_CONTEXT;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  if (trace.getSpanContext(extracted)) return extracted;
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return ROOT_CONTEXT;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const spanContext: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}

export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}
