import { context, trace } from '@opentelemetry/api';
import type { LoggerOptions } from 'pino';
import { safeErrorSerializer } from './safe-error';

/**
 * Structured JSON logs with the trace and span ids of the current request or message,
 * so a log line leads to its trace. Authorization headers and cookies never reach the log, nor the
 * values of a failed SQL statement (see safe-error.ts).
 */
export function loggerOptions(serviceName: string, level: string): LoggerOptions {
  return {
    level,
    base: { service: serviceName },
    messageKey: 'message',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: safeErrorSerializer, error: safeErrorSerializer },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[masqué]',
    },
    mixin() {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  };
}
