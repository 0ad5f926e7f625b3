import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('startTracing with an OTLP endpoint', () => {
  let server: Server;
  const received: { path: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    startTracing({ serviceName: 'relais-export-test', otlpEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
  });
  afterAll(async () => {
    await stopTracing();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the ended spans to <endpoint>/v1/traces with the service name as resource', async () => {
    const span = trace.getTracer('test').startSpan('relay send');
    const { traceId } = span.spanContext();
    span.end();
    // The processor batches; a stop flushes what it holds.
    await stopTracing();
    expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
    const body = received[0]?.body ?? '';
    expect(body).toContain(traceId);
    expect(body).toContain('relais-export-test');
    expect(body).toContain('relay send');
  });
});
