import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { redactUrl } from './redact-url';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint; without one, spans still carry trace ids (logs, problems and events use them) but go nowhere. */
  otlpEndpoint?: string;
}

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

/**
 * A processor that exports nothing. The SDK registers a tracer provider only when it has at least one
 * processor: with none, every span is non-recording with all-zero ids, so request logs said
 * trace_id 000…0 and the outbox stored no `traceparent`. This one keeps the provider (real ids, a trace
 * that follows an event across services) without sending spans anywhere.
 */
const idsOnly: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

let sdk: NodeSDK | undefined;

/**
 * Must run before the instrumented modules are loaded, hence `node --require …/register.js`:
 * compiled imports are hoisted above any code in main.
 */
export function startTracing(options: TracingOptions): void {
  if (sdk) return;
  sdk = new NodeSDK({
    serviceName: options.serviceName,
    ...(options.otlpEndpoint
      ? { traceExporter: new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }) }
      : { spanProcessors: [idsOnly] }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /\/health(\/ready)?$/.test(req.url ?? ''),
        // Action-link tokens are credentials: the span keeps the path without them.
        requestHook: (span, req) => {
          const url = 'url' in req && typeof req.url === 'string' ? req.url : null;
          if (url && url.includes('/links/')) span.setAttributes({ 'http.target': redactUrl(url), 'url.path': redactUrl(url.split('?')[0] ?? url) });
        },
      }),
      new ExpressInstrumentation(),
      new NestInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
}

export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
