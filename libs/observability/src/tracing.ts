import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP endpoint; without one, spans still carry trace ids (logs and problems use them) but go nowhere. */
  otlpEndpoint?: string;
}

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
      : { spanProcessors: [] }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /\/health(\/ready)?$/.test(req.url ?? '') }),
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
