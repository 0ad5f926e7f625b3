import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { redactUrl } from './redact-url';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint; without one, spans still carry trace ids (logs, problems and events use them) but go nowhere. */
  otlpEndpoint?: string;
}

/**
 * A processor that exports nothing. Without a registered tracer provider every span is non-recording with
 * all-zero ids, so request logs said trace_id 000…0 and the outbox stored no `traceparent`. This one keeps the
 * provider (real ids, a trace that follows an event across services) without sending spans anywhere.
 */
const idsOnly: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

let provider: TracerProvider | undefined;
let contextManager: AsyncLocalStorageContextManager | undefined;

/**
 * Must run before the instrumented modules are loaded, hence `node --require …/register.js`:
 * compiled imports are hoisted above any code in main.
 *
 * Built from the tracing SDK's parts rather than `@opentelemetry/sdk-node`'s NodeSDK: NodeSDK's module loads
 * every exporter it could be configured with (OTLP over gRPC, protobuf and JSON for traces, metrics and logs,
 * Zipkin, Prometheus, B3) and its defaults start an OTLP log exporter nobody feeds and detect host resources,
 * about 600 modules and 30–50 MB per service at rest (bench/README.md, "bench:memory"). This loads the tracer,
 * the W3C propagators, the five instrumentations the services use (http, express, nestjs-core, pg, kafkajs),
 * and the OTLP/HTTP exporter only when an endpoint is configured.
 */
export function startTracing(options: TracingOptions): void {
  if (provider) return;
  provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    spanProcessors: [options.otlpEndpoint ? otlpSpanProcessor(options.otlpEndpoint) : idsOnly],
  });
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
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
}

/** The exporter and its OTLP encoders (about 60 modules) are loaded only by a process that exports. */
function otlpSpanProcessor(endpoint: string): SpanProcessor {
  // A synchronous require on purpose: startTracing runs in `--require`, before main, and cannot await an import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { otlpBatchProcessor } = require('./otlp-export') as typeof import('./otlp-export');
  return otlpBatchProcessor(`${endpoint.replace(/\/$/, '')}/v1/traces`);
}

export async function stopTracing(): Promise<void> {
  const running = provider;
  provider = undefined;
  if (!running) return;
  await running.shutdown();
  trace.disable();
  propagation.disable();
  contextManager?.disable();
  context.disable();
  contextManager = undefined;
}
