import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Spans sent in batches to an OTLP/HTTP endpoint (the collector). In a module of its own so that a process
 * without an endpoint never loads the exporter (tracing.ts requires this file only when one is configured).
 */
export function otlpBatchProcessor(tracesUrl: string): SpanProcessor {
  return new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl }) });
}
