/**
 * Loaded with `node --require dist/libs/observability/src/register.js` before a service's main.
 * It reads the standard OpenTelemetry variables itself because it runs before the service's config exists.
 */
import './source-maps';
import { startTracing } from './tracing';

startTracing({
  serviceName: process.env['OTEL_SERVICE_NAME'] ?? 'relais',
  otlpEndpoint: process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || undefined,
});
