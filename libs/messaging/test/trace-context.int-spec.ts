import type { INestApplicationContext } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { SpanKind, trace } from '@opentelemetry/api';
import { startTracing, stopTracing } from '@relais/observability';
import { createTestDatabase, eventually, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import { DataSource } from 'typeorm';
import { EventPublisher } from '../src';
import { serviceSnapshot } from './support/fixtures';
import { readRecords } from './support/raw-records';
import { count, projector, SERVICE_SNAPSHOT, SERVICE_TOPIC, startTestApp } from './support/test-app';

/**
 * What a CloudEvents 1.0 consumer requires of a Kafka record in binary mode (the `cloudevents` SDK is not
 * in node_modules, so the spec's rules are checked here): the four required context attributes as `ce_`
 * headers, specversion 1.0, an RFC 3339 `time`, attribute names of lowercase letters and digits, and
 * the distributed-tracing extension's `traceparent` in W3C form.
 */
function cloudEventProblems(headers: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const name of ['ce_id', 'ce_source', 'ce_specversion', 'ce_type']) if (!headers[name]) problems.push(`required attribute ${name} missing or empty`);
  if (headers['ce_specversion'] !== '1.0') problems.push(`ce_specversion is ${headers['ce_specversion']}, not 1.0`);
  for (const name of Object.keys(headers).filter((h) => h.startsWith('ce_'))) {
    if (!/^[a-z0-9]{1,20}$/.test(name.slice(3))) problems.push(`attribute name ${name.slice(3)} is not lowercase alphanumeric`);
  }
  const time = headers['ce_time'];
  if (time !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(time)) problems.push(`ce_time ${time} is not RFC 3339`);
  if (!/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(headers['ce_traceparent'] ?? '')) problems.push(`ce_traceparent ${headers['ce_traceparent']} is not a W3C traceparent`);
  return problems;
}

describe('trace context on every event, with the services’ tracing set-up (no OTLP endpoint)', () => {
  const brokers = testInfrastructure().kafkaBrokers;
  const prefix = uniqueTopicPrefix('trace');
  let database: { url: string; drop(): Promise<void> };
  let app: INestApplicationContext;

  beforeAll(async () => {
    // What register.js does in every service process: a tracer provider, the W3C propagator, a context manager.
    startTracing({ serviceName: 'messaging-int-spec' });
    database = await createTestDatabase('messaging_trace');
    app = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers });
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await stopTracing();
  });

  it('follows one event from the request that published it to the consumer’s span and log line', async () => {
    const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const snapshot = serviceSnapshot({ name: 'Point numérique de Malestroit' });
    // The span HttpInstrumentation opens for an incoming request, opened here by hand.
    const request = await trace.getTracer('test').startActiveSpan('POST /api/directory/v1/services', { kind: SpanKind.SERVER }, async (span) => {
      try {
        const id = await txHost.withTransaction(() => app.get(EventPublisher).publish(SERVICE_SNAPSHOT, snapshot));
        return { id, ...span.spanContext() };
      } finally {
        span.end();
      }
    });
    expect(request.traceId).not.toMatch(/^0+$/);

    const [row] = await app.get(DataSource).query(`SELECT traceparent FROM messaging_outbox WHERE event_id = $1`, [request.id]);
    expect(row).toEqual({ traceparent: `00-${request.traceId}-${request.spanId}-01` });
    expect(await count(app, `SELECT count(*) AS n FROM messaging_outbox WHERE traceparent IS NULL`)).toBe(0);

    const records = await readRecords(brokers, `${prefix}${SERVICE_TOPIC}`, (found) => found.some((r) => r.headers['ce_id'] === request.id));
    const record = records.find((r) => r.headers['ce_id'] === request.id);
    expect(cloudEventProblems(record?.headers ?? {})).toEqual([]);
    // The relay's send span is a child of the request's: same trace, its own span id.
    expect(record?.headers['ce_traceparent']).toMatch(new RegExp(`^00-${request.traceId}-(?!${request.spanId})[0-9a-f]{16}-01$`));

    const handled = await eventually(() => {
      const found = projector(app).handled.find((event) => event.id === request.id);
      if (!found) throw new Error('not handled yet');
      return found;
    });
    expect(handled.traceId).toBe(request.traceId);
    expect(handled.log).toMatchObject({ message: 'service projected', eventId: request.id, trace_id: request.traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(handled.log['span_id']).not.toBe(request.spanId); // the consumer's own span, a child in the same trace
  });
});
