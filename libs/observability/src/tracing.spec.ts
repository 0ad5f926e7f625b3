import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { startTracing, stopTracing } from './tracing';

describe('startTracing without an OTLP endpoint', () => {
  beforeAll(() => startTracing({ serviceName: 'relais-test' }));
  afterAll(() => stopTracing());

  it('registers a tracer provider anyway: spans record, carry real ids, and the W3C propagator writes them', () => {
    trace.getTracer('test').startActiveSpan('GET /api/directory/v1/services', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(span.isRecording()).toBe(true);
      expect(isSpanContextValid(span.spanContext())).toBe(true);
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      expect(carrier['traceparent']).toBe(`00-${traceId}-${spanId}-01`);
      span.end();
    });
  });
});
