import { Module, RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { loggerOptions, redactUrl } from '@relais/observability';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { HealthModule, type ReadinessCheck } from './health';
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
}

/** What every service has whatever its domain: JSON logs with trace ids, liveness and readiness. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const base = loggerOptions(options.service, options.logLevel);
    return {
      module: PlatformModule,
      global: true,
      providers: [{ provide: SERVICE_ROLE, useValue: options.role ?? 'all' }],
      exports: [SERVICE_ROLE],
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
}
