import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule, type Type } from '@nestjs/common';
import { loggerOptions, redactUrl } from '@relais/observability';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { defaultAdmissionSettings, type AdmissionSettings } from './admission';
import { ADMISSION_SETTINGS, AdmissionGate } from './admission-gate';
import { HealthModule, type ReadinessCheck } from './health';
import { createMetricsRegistry, HttpMetricsMiddleware, METRICS_OPTIONS, METRICS_REGISTRY, MetricsServer, type MetricsOptions } from './metrics';
import { SERVICE_ROLE, type ServiceRole } from './service-role';

export interface PlatformOptions {
  service: string;
  logLevel: string;
  /** Dependencies that /health/ready checks. */
  readiness: Type<ReadinessCheck>[];
  /** Where log lines go: standard output unless a test captures them. */
  logDestination?: DestinationStream;
  /** What this process runs (service-role.ts); `all` unless the configuration says otherwise. */
  role?: ServiceRole;
  /** Where /metrics is served (METRICS_PORT, its own port, never the public origin); absent or 0: not served. */
  metrics?: { port: number; host: string };
  /** Admission control of the API (admission.ts); the defaults unless the configuration says otherwise. */
  admission?: AdmissionSettings;
}

/**
 * What every service has whatever its domain: JSON logs with trace ids, liveness and readiness, and
 * Prometheus metrics (metrics.ts): HTTP by route here, the other families registered by their owners
 * into METRICS_REGISTRY.
 */
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const base = loggerOptions(options.service, options.logLevel);
    const role = options.role ?? 'all';
    const metrics: MetricsOptions = { service: options.service, role, port: options.metrics?.port ?? 0, host: options.metrics?.host ?? '127.0.0.1' };
    return {
      module: PlatformModule,
      global: true,
      providers: [
        { provide: SERVICE_ROLE, useValue: role },
        { provide: METRICS_OPTIONS, useValue: metrics },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(metrics) },
        { provide: ADMISSION_SETTINGS, useValue: options.admission ?? defaultAdmissionSettings },
        AdmissionGate,
        HttpMetricsMiddleware,
        MetricsServer,
      ],
      exports: [SERVICE_ROLE, METRICS_REGISTRY, AdmissionGate],
      imports: [
        LoggerModule.forRoot({
          // Express 5 path syntax: the library's default '*' draws a deprecation warning at every start.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            ...base,
            ...(options.logDestination ? { stream: options.logDestination } : {}),
            autoLogging: { ignore: (req) => /\/health(\/ready)?$/.test(req.url ?? '') },
            // Method, path and status only: headers and bodies may carry personal data.
            serializers: {
              ...base.serializers,
              req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          },
        }),
        HealthModule.forRoot(options.readiness),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
