import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka as CloudEventsKafka, type CloudEvent, type KafkaMessage } from 'cloudevents';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { topicCatalog } from '@relais/contracts';
import { eventually } from '@relais/testing';
import { ensureOtelCollector, otelcolFiles } from '../../src/deploy-tools';
import { KAFKA_ADMIN_USER, kafkaSasl } from '../../src/kafka';
import { freePort, portAnswers } from '../../src/net';
import { startLocalPlatform, type LocalPlatform } from './support/local-platform';
import { agentToken, receivingServiceOf, sendReferral } from './support/referrals';

/** One span as the collector's file exporter writes it (OTLP JSON: ids in hex, kind as its number). */
interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string>;
}

const SPAN_KIND = { server: 2, producer: 4, consumer: 5 } as const;
const REQUESTED = 'fr.relais.referral.referral.requested.v1';

/** Every span in the file so far (one OTLP ExportTraceServiceRequest per line). */
function readSpans(file: string): ExportedSpan[] {
  if (!existsSync(file)) return [];
  type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
  type KeyValue = { key: string; value: AnyValue };
  const text = (attributes: KeyValue[] | undefined): Record<string, string> =>
    Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, String(value.stringValue ?? value.intValue ?? value.boolValue ?? '')]));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const request = JSON.parse(line) as {
        resourceSpans?: Array<{
          resource?: { attributes?: KeyValue[] };
          scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number; attributes?: KeyValue[] }> }>;
        }>;
      };
      return (request.resourceSpans ?? []).flatMap((resource) => {
        const service = text(resource.resource?.attributes)['service.name'] ?? '';
        return (resource.scopeSpans ?? []).flatMap((scope) =>
          (scope.spans ?? []).map((span) => ({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind ?? 0,
            attributes: text(span.attributes),
          })),
        );
      });
    });
}

/** The span's ancestors, nearest first, as far as the trace's spans reach. */
function ancestors(span: ExportedSpan, spans: ExportedSpan[]): ExportedSpan[] {
  const chain: ExportedSpan[] = [];
  for (let parent = spans.find((s) => s.spanId === span.parentSpanId); parent; parent = spans.find((s) => s.spanId === parent?.parentSpanId)) {
    chain.push(parent);
    if (chain.length > 50) break;
  }
  return chain;
}

/** JSON log lines of one service's log file that carry this trace id. */
function logLinesOf(logDir: string, file: string, traceId: string): Array<Record<string, unknown>> {
  const path = join(logDir, file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(traceId))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry['trace_id'] === traceId);
}

/**
 * Issue 15 item 5 and issue 11 item 5: one referral followed through a real OpenTelemetry Collector
 * (relais-otelcol, built from deploy/observability/otelcol-builder.yaml, run with otelcol-file.yaml).
 * Its spans, written by the file exporter, form one trace from the HTTP request to each consumer; the
 * services' log lines for that request and those handlings carry its trace id; and the Kafka records
 * of the referral are CloudEvents for the official SDK, with the trace in `traceparent`.
 */
describe('traces through the OpenTelemetry Collector', () => {
  const folder = mkdtempSync(join(tmpdir(), 'relais-traces-'));
  const spansFile = join(folder, 'spans.jsonl');
  let collector: ChildProcess | undefined;
  let collectorOutput = '';
  let platform: LocalPlatform | undefined;
  let referralId = '';
  let traceId = '';

  beforeAll(async () => {
    // Built once per machine into the tool cache (about 5 minutes on 2 cores the first time).
    const binary = ensureOtelCollector();
    // Listening before the platform picks its ports, which it then finds taken and avoids.
    const port = await freePort();
    collector = spawn(binary, ['--config', `file:${otelcolFiles.local}`], {
      env: { PATH: process.env['PATH'] ?? '', RELAIS_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`, RELAIS_TRACES_FILE: spansFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    collector.stdout?.on('data', (chunk: Buffer) => (collectorOutput += chunk.toString()));
    collector.stderr?.on('data', (chunk: Buffer) => (collectorOutput += chunk.toString()));
    await eventually(async () => {
      expect(collector?.exitCode).toBeNull();
      expect(await portAnswers(port)).toBe(true);
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // debug: one line per event handled, with its trace id (the consumers' log lines the test looks for).
    platform = await startLocalPlatform('traces', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, LOG_LEVEL: 'debug' });
  }, 40 * 60_000);

  afterAll(async () => {
    await platform?.stop();
    if (collector && collector.exitCode === null) {
      const exited = new Promise((resolve) => collector?.once('exit', resolve));
      collector.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('collects one referral in one trace: HTTP request → outbox relay → Kafka → each consumer', async () => {
    if (!platform) throw new Error('platform not started');
    const sender = await agentToken(platform.accounts, 'agent.caf-vannes');
    const receivingServiceId = await receivingServiceOf(platform.origin, platform.accounts, 'agent.association-lorient');
    const sent = await sendReferral(platform.origin, sender, receivingServiceId, 'Le Trace');
    expect(sent.status).toBe(201);
    referralId = sent.id ?? '';

    // The trace the request wrote with its event: the outbox row keeps it.
    const db = new Client({ connectionString: platform.adminDatabaseUrl('referral') });
    await db.connect();
    try {
      const { rows } = await db.query<{ traceparent: string | null }>('SELECT traceparent FROM messaging_outbox WHERE key = $1 AND type = $2', [referralId, REQUESTED]);
      expect(rows).toHaveLength(1);
      traceId = /^00-([0-9a-f]{32})-/.exec(rows[0]?.traceparent ?? '')?.[1] ?? '';
    } finally {
      await db.end();
    }
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const consumers = ['relais-notification', 'relais-reporting', 'relais-diagnostic'];
    let trace: ExportedSpan[] = [];
    await eventually(() => {
      trace = readSpans(spansFile).filter((span) => span.traceId === traceId);
      for (const service of consumers) expect(trace.some((span) => span.service === service && span.kind === SPAN_KIND.consumer && span.attributes['messaging.message.id'] !== undefined)).toBe(true);
    }, { timeoutMs: 90_000 });

    // The request, as the referral service received it from the gateway.
    const request = trace.find((span) => span.service === 'relais-referral' && span.kind === SPAN_KIND.server && /POST/.test(`${span.name} ${span.attributes['http.method'] ?? ''} ${span.attributes['http.request.method'] ?? ''}`));
    expect(request).toBeDefined();
    // The relay's send of the requested event, under the request (the outbox row's stored context).
    const eventId = trace.find((span) => span.kind === SPAN_KIND.consumer && span.attributes['relais.event.type'] === REQUESTED)?.attributes['messaging.message.id'];
    const send = trace.find((span) => span.service === 'relais-referral' && span.kind === SPAN_KIND.producer && span.name.startsWith('send ') && span.attributes['messaging.message.id'] === eventId);
    expect(send).toBeDefined();
    expect(ancestors(send as ExportedSpan, trace).map((span) => span.spanId)).toContain(request?.spanId);
    // Each consumer's handling of that event is a child of that send.
    for (const service of consumers) {
      const handling = trace.filter((span) => span.service === service && span.kind === SPAN_KIND.consumer && span.attributes['messaging.message.id'] === eventId);
      expect({ service, handled: handling.length }).toEqual({ service, handled: 1 });
      expect(handling[0]?.parentSpanId).toBe(send?.spanId);
      expect(handling[0]?.attributes['relais.event.type']).toBe(REQUESTED);
    }
    // What the notification did while handling it (its SQL, its mail) is in the same trace, under that handling.
    const notificationHandling = trace.find((span) => span.service === 'relais-notification' && span.attributes['messaging.message.id'] === eventId);
    expect(trace.some((span) => span.service === 'relais-notification' && ancestors(span, trace).some((a) => a.spanId === notificationHandling?.spanId))).toBe(true);
    // The collector's debug exporter saw them too (its console summary).
    expect(collectorOutput).toMatch(/Traces/);
  }, 180_000);

  it('writes the same trace id on the log lines of that request and of each handling', async () => {
    if (!platform) throw new Error('platform not started');
    expect(traceId).not.toBe('');
    const logDir = platform.logDir;
    await eventually(() => {
      const request = logLinesOf(logDir, 'referral.log', traceId);
      expect(request.some((entry) => typeof entry['req'] === 'object' && JSON.stringify(entry['req']).includes('/v1/referrals'))).toBe(true);
      for (const service of ['notification', 'reporting', 'diagnostic']) {
        const handled = logLinesOf(logDir, `${service}.log`, traceId);
        expect({ service, handled: handled.some((entry) => String(entry['message']).includes(`handling ${REQUESTED}`)) }).toEqual({ service, handled: true });
      }
    }, { timeoutMs: 30_000 });
  });

  it('puts on Kafka CloudEvents the official SDK reads in binary mode, with the trace in traceparent', async () => {
    if (!platform) throw new Error('platform not started');
    const credentials = JSON.parse(readFileSync(join(platform.stateDir, 'data', 'kafka', 'credentials.json'), 'utf8')) as { admin: string };
    const topics = topicCatalog.filter((topic) => topic.publisher === 'referral').map((topic) => topic.name);
    const kafka = new Kafka({
      clientId: 'relais-traces-e2e',
      brokers: [`127.0.0.1:${platform.port + 11092}`],
      logLevel: logLevel.NOTHING,
      ...kafkaSasl({ username: KAFKA_ADMIN_USER, password: credentials.admin }),
    });
    const consumer = kafka.consumer({ groupId: `relais-traces-e2e-${process.pid}` });
    const records: Array<KafkaMessage<string>> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          if (message.key?.toString() !== referralId) return Promise.resolve();
          // The SDK's Kafka binding takes headers as text, as a Kafka client hands them over.
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Array.isArray(value) ? String(value.at(-1)) : String(value)]));
          const value = message.value?.toString() ?? '';
          // The binding reads `value` (Kafka's name); `body` is the generic Message's, the same bytes.
          records.push({ key: referralId, value, body: value, headers, timestamp: message.timestamp });
          return Promise.resolve();
        },
      });
      await eventually(() => expect(records.some((record) => record.headers['ce_type'] === REQUESTED)).toBe(true), { timeoutMs: 60_000 });
    } finally {
      await consumer.disconnect();
    }
    for (const record of records) {
      expect(CloudEventsKafka.isEvent(record)).toBe(true);
      const event = CloudEventsKafka.toEvent(record) as CloudEvent<unknown>;
      // toEvent builds without checking (strict false): validate() applies the CloudEvents 1.0 schema.
      expect(event.validate()).toBe(true);
      expect(event).toMatchObject({ specversion: '1.0', source: '/relais/referral', subject: referralId, datacontenttype: 'application/json' });
      expect(typeof event.data).toBe('object');
      // The distributed-tracing extension: the trace of the request that wrote the event.
      const traceparent = (event as CloudEvent<unknown> & { traceparent?: unknown }).traceparent;
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      if (event.type === REQUESTED) expect(String(traceparent).slice(3, 35)).toBe(traceId);
    }
  });
});
