export { startTracing, stopTracing, type TracingOptions } from './tracing';
export { loggerOptions } from './logger';
export { safeErrorSerializer, safeErrorText } from './safe-error';
export { redactUrl } from './redact-url';
