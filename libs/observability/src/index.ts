export { startTracing, stopTracing, type TracingOptions } from './tracing';
export { loggerOptions } from './logger';
export { safeErrorSerializer } from './safe-error';
