import { context, propagation, ROOT_CONTEXT, trace, TraceFlags, type TextMapPropagator } from '@opentelemetry/api';
import { contextFromTraceparent, traceIdOf, traceparentOf } from './trace-context';

describe('trace context of events', () => {
  const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  afterEach(() => propagation.disable());

  it('writes and reads traceparent without a registered propagator (no OpenTelemetry SDK)', () => {
    expect(traceparentOf(trace.setSpanContext(ROOT_CONTEXT, spanContext))).toBe(traceparent);
    expect(trace.getSpanContext(contextFromTraceparent(traceparent))).toEqual({ ...spanContext, isRemote: true });
  });

  it('goes through the registered propagator when there is one', () => {
    // A propagator that marks what it touched, standing for the SDK's W3C one.
    const marked: TextMapPropagator = {
      inject: (_context, carrier: Record<string, string>) => {
        carrier['traceparent'] = 'from-propagator';
      },
      extract: (ctx) => trace.setSpanContext(ctx, { ...spanContext, spanId: 'aaaaaaaaaaaaaaaa' }),
      fields: () => ['traceparent'],
    };
    propagation.setGlobalPropagator(marked);
    expect(traceparentOf(trace.setSpanContext(ROOT_CONTEXT, spanContext))).toBe('from-propagator');
    expect(trace.getSpanContext(contextFromTraceparent(traceparent))?.spanId).toBe('aaaaaaaaaaaaaaaa');
  });

  it('has nothing to say outside a trace, and ignores a malformed header', () => {
    expect(traceparentOf(context.active())).toBeUndefined();
    expect(contextFromTraceparent('00-zz-yy-01')).toBe(ROOT_CONTEXT);
    expect(contextFromTraceparent(`00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`)).toBe(ROOT_CONTEXT);
    expect(contextFromTraceparent(undefined)).toBe(ROOT_CONTEXT);
    expect(traceIdOf(traceparent)).toBe(spanContext.traceId);
  });
});
