export { configureHttp, createServiceApp, runService, withApplicationContext, type ServiceDescription, type ServiceEntry } from './bootstrap';
export { admissionSettingsOf, ConfigError, env, loadConfig, serviceConfigSchema, type ConfigOf, type ConfigSchema, type ServiceConfig } from './config';
export { EVENT_BROKERS, type EventBrokers } from './event-brokers';
export { DomainError, NotFoundError, RateLimitedError, ValidationError, problemStatus, type FieldError, type ProblemCode } from './domain-error';
export { HealthModule, type ReadinessCheck, type ReadinessReport } from './health';
export { PlatformModule, type PlatformOptions } from './platform.module';
export { currentTraceId, databaseUnavailable, ProblemFilter, problemType, type Problem } from './problem.filter';
export { Public, PUBLIC_ROUTE } from './public-route';
export { fieldErrors, IsOmittable, relaisValidationPipe } from './validation';
export { runsWorkers, SERVICE_ROLE, serviceRoles, servesApi, type ServiceRole } from './service-role';
export { ApiProblems, FieldErrorView, problemResponses, ProblemView, type ProblemStatus } from './api-problems';
export { applyOpenApiConventions, assertTypedProperties, PROBLEM_SCHEMA_REF, untypedProperties } from './openapi-conventions';
export { canonicalJson } from './canonical-json';
export { releaseMemoryWhenIdle, releaseStartupMemory } from './memory-release';
export { Clock, ManualClock, SystemClock } from './clock';
export { decodeCursor, encodeCursor, pageOf, readCursor } from './cursor';
export {
  ApiIdempotencyKey,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeyInFlight,
  idempotencyKeyOf,
  idempotencyKeyReused,
  markReplayed,
  requestFingerprint,
} from './idempotency';
export { booleanFromQuery, listFromQuery } from './query-transforms';
export { createMetricsRegistry, HttpMetricsMiddleware, METRICS_REGISTRY, metricOf, MetricsServer, scrapedGauge, type MetricsOptions } from './metrics';
export {
  Admission,
  defaultAdmissionSettings,
  EventLoopLag,
  systemTimers,
  type AdmissionSettings,
  type AdmissionTimers,
  type AdmissionVerdict,
  type PressureSignal,
  type ShedReason,
} from './admission';
export { ADMISSION_SETTINGS, AdmissionGate } from './admission-gate';
